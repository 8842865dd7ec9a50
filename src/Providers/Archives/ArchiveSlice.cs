using Microsoft.Win32.SafeHandles;

namespace PtFs.Providers.Archives;

/// <summary>
/// A read-only, forward-only stream over [start, start + length) of an open archive, read with positional
/// reads so that any number of slices share one file handle without sharing a position.
/// </summary>
internal sealed class ArchiveSlice(SafeFileHandle archive, long start, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0) return 0;
        int read = RandomAccess.Read(archive, buffer[..wanted], start + _position);
        _position += read;
        return read;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
