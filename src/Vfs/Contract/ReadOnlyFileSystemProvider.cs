namespace PtFs.Vfs;

/// <summary>
/// The least a read-only provider writes: <see cref="GetAttributes(string, out FileStat)"/>,
/// <see cref="ReadDirectory"/> and <see cref="Read"/>. Everything else has the answer a read-only
/// filesystem gives.
/// </summary>
public abstract class ReadOnlyFileSystemProvider : IFileSystemProvider
{
    public abstract Errno GetAttributes(string path, out FileStat stat);

    public abstract Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries);

    public abstract Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead);

    public virtual Errno ReadLink(string path, out string target)
    {
        target = "";
        var errno = GetAttributes(path, out _);
        return errno == Errno.Ok ? Errno.EINVAL : errno; // exists, but is not a symlink
    }

    public virtual Errno Open(string path, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        var errno = GetAttributes(path, out _);
        if (errno != Errno.Ok) return errno;
        if (flags.CanWrite()) return Errno.EROFS;
        handle = new FileHandle(path, flags);
        return Errno.Ok;
    }

    public virtual Errno GetAttributes(FileHandle handle, out FileStat stat) => GetAttributes(handle.Path, out stat);

    public virtual void Release(FileHandle handle)
    {
    }

    public virtual Errno GetFileSystemStats(out FsStats stats)
    {
        stats = FsStats.Default with { FreeBlocks = 0, FreeInodes = 0 };
        return Errno.Ok;
    }

    /// <summary>Serves a read from bytes in memory.</summary>
    protected static Errno ReadFrom(ReadOnlySpan<byte> content, long offset, Span<byte> buffer, out int bytesRead)
    {
        bytesRead = offset >= content.Length ? 0 : (int)Math.Min(buffer.Length, content.Length - offset);
        content.Slice((int)Math.Min(offset, content.Length), bytesRead).CopyTo(buffer);
        return Errno.Ok;
    }
}
