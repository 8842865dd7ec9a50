namespace PtFs.Vfs.Tree;

/// <summary>The bytes of a <see cref="TreeFile"/>: in memory, or produced on demand (an archive entry).</summary>
public abstract class FileContent
{
    public abstract long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns the count (short only at the end).</summary>
    public abstract int Read(long offset, Span<byte> buffer);
}

/// <summary>Content fixed at construction.</summary>
public sealed class BytesContent(ReadOnlyMemory<byte> bytes) : FileContent
{
    public override long Length => bytes.Length;

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= bytes.Length) return 0;
        int n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.Span.Slice((int)offset, n).CopyTo(buffer);
        return n;
    }
}
