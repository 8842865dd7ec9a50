using System.IO.Compression;
using Microsoft.Win32.SafeHandles;
using PtFs.Providers.Archives;

namespace PtFs.Providers.Zip;

/// <summary>
/// A deflated entry being decompressed, and how far it has got. Deflate cannot start in the middle: going
/// back means a new cursor from the entry's start.
/// </summary>
internal sealed class InflateCursor(ZipEntryContent content, SafeFileHandle archive, long dataOffset, long compressedSize) : IDisposable
{
    private readonly DeflateStream _inflater = new(new ArchiveSlice(archive, dataOffset, compressedSize), CompressionMode.Decompress);

    public ZipEntryContent Content { get; } = content;

    /// <summary>Bytes of the entry produced so far: the next read starts here.</summary>
    public long Position { get; private set; }

    /// <summary>Reads until <paramref name="buffer"/> is full or the compressed data ends.</summary>
    public int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _inflater.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        Position += total;
        return total;
    }

    /// <summary>Decompresses and drops bytes until <see cref="Position"/> is <paramref name="target"/>.</summary>
    public bool SkipTo(long target, Span<byte> scratch)
    {
        while (Position < target)
        {
            if (Read(scratch[..(int)Math.Min(scratch.Length, target - Position)]) == 0) return false;
        }
        return true;
    }

    public void Dispose() => _inflater.Dispose();
}
