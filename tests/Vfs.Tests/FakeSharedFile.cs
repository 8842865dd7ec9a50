using PtFs.Vfs.Mapping;

namespace PtFs.Vfs.Tests;

/// <summary>
/// A memfd without the kernel: whole pages of bytes and a length. <see cref="Store"/> is what a program
/// does through its mapping: it may reach past the end within the last page, where read(2) never looks.
/// </summary>
internal sealed class FakeSharedFile : ISharedFile
{
    private const int Page = 4096;
    private byte[] _pages = [];
    private long _length;

    /// <summary>What /proc/PID/maps would say for any process: a test munmaps by setting it false.</summary>
    public bool Mapped { get; set; } = true;

    public long Length
    {
        get => _length;
        set
        {
            if (value < _length) _pages.AsSpan((int)value, (int)Math.Min(_pages.Length, (value + Page - 1) / Page * Page) - (int)value).Clear(); // ftruncate zeroes the rest of the last page
            Array.Resize(ref _pages, (int)((value + Page - 1) / Page * Page));
            _length = value;
        }
    }

    public int Read(long offset, Span<byte> buffer)
    {
        int n = (int)Math.Clamp(_length - offset, 0, buffer.Length);
        _pages.AsSpan((int)Math.Min(offset, _length), n).CopyTo(buffer);
        return n;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (offset + data.Length > _length) Length = offset + data.Length;
        data.CopyTo(_pages.AsSpan((int)offset));
    }

    public void Store(long offset, ReadOnlySpan<byte> data) => data.CopyTo(_pages.AsSpan((int)offset)); // SIGBUS past the last page, in a real process

    public bool IsMappedBy(int pid) => Mapped;

    public bool Disposed { get; private set; }

    public void Dispose()
    {
        _pages = [];
        Disposed = true;
    }
}
