namespace PtFs.Vfs;

/// <summary>
/// A filesystem served to traced programs. Paths are mount-relative, start with "/", and are normalized by
/// the VFS (no ".", "..", "//", trailing "/"; symlinks in the middle already followed). Every method runs
/// synchronously on the tracer thread while the program waits; return an <see cref="Errno"/> for expected
/// failures (ENOENT is the common case) and throw only for the unexpected (it becomes EIO and a log line).
/// Writing is optional: see <see cref="IWritableFileSystemProvider"/>.
/// </summary>
public interface IFileSystemProvider
{
    /// <summary>lstat: the node itself, a symlink not followed.</summary>
    Errno GetAttributes(string path, out FileStat stat);

    /// <summary>The names in a directory, without "." and "..".</summary>
    Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries);

    /// <summary>The names in an open directory, which may have been renamed since it was opened.</summary>
    Errno ReadDirectory(FileHandle handle, out IReadOnlyList<DirectoryEntry> entries) => ReadDirectory(handle.Path, out entries);

    Errno ReadLink(string path, out string target);

    /// <summary>Opens an existing node; creation, O_EXCL and O_TRUNC are the VFS's business.</summary>
    Errno Open(string path, OpenFlags flags, out FileHandle handle);

    /// <summary>fstat of an open node: still answers after the node was unlinked or renamed.</summary>
    Errno GetAttributes(FileHandle handle, out FileStat stat);

    /// <summary>
    /// Fills <paramref name="buffer"/> from <paramref name="offset"/>; fewer bytes only at the end of the file.
    /// On the fast path the buffer is the program's slot of the shared region: write straight into it.
    /// </summary>
    Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead);

    /// <summary>Called exactly once, when the last fd and mapping of this open are gone.</summary>
    void Release(FileHandle handle);

    Errno GetFileSystemStats(out FsStats stats);
}
