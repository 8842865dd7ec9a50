using Microsoft.Win32.SafeHandles;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Archives;

/// <summary>A member stored as plain bytes at a known place in the archive: read in place at any offset.</summary>
internal sealed class SliceContent(SafeFileHandle archive, long start, long length, string name) : FileContent
{
    public override long Length => length;

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= length || buffer.IsEmpty) return 0;
        buffer = buffer[..(int)Math.Min(buffer.Length, length - offset)];
        int read = RandomAccess.Read(archive, buffer, start + offset);
        if (read < buffer.Length) throw new FsException(Errno.EIO, $"{name}: the archive ends inside this member");
        return read;
    }
}
