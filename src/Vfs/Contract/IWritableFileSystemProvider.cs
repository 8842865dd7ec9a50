namespace PtFs.Vfs;

/// <summary>The writing half of a provider; a mount whose provider lacks it answers EROFS.</summary>
public interface IWritableFileSystemProvider : IFileSystemProvider
{
    /// <summary>Creates a regular file (the VFS checked it does not exist) and opens it.</summary>
    Errno Create(string path, uint mode, uint uid, uint gid, OpenFlags flags, out FileHandle handle);

    Errno Write(FileHandle handle, long offset, ReadOnlySpan<byte> data, out int bytesWritten);

    Errno SetSize(string path, long size);

    Errno SetSize(FileHandle handle, long size);

    Errno MakeDirectory(string path, uint mode, uint uid, uint gid);

    Errno RemoveDirectory(string path);

    Errno Unlink(string path);

    /// <summary>rename(2) within this mount, with renameat2's NOREPLACE and EXCHANGE.</summary>
    Errno Rename(string from, string to, RenameFlags flags);

    Errno Link(string existing, string newPath);

    Errno Symlink(string target, string linkPath, uint uid, uint gid);

    Errno SetMode(string path, uint mode);

    /// <summary>uint.MaxValue leaves that id unchanged, as chown(2)'s -1 does.</summary>
    Errno SetOwner(string path, uint uid, uint gid);

    /// <summary>null leaves that time unchanged (UTIME_OMIT); the VFS resolves UTIME_NOW.</summary>
    Errno SetTimes(string path, UnixTime? access, UnixTime? modify);

    /// <summary>fchmod: the open node, wherever its name went (the default goes by the name it was opened with).</summary>
    Errno SetMode(FileHandle handle, uint mode) => SetMode(handle.Path, mode);

    /// <summary>fchown, as <see cref="SetMode(FileHandle, uint)"/>.</summary>
    Errno SetOwner(FileHandle handle, uint uid, uint gid) => SetOwner(handle.Path, uid, gid);

    /// <summary>futimens, as <see cref="SetMode(FileHandle, uint)"/>.</summary>
    Errno SetTimes(FileHandle handle, UnixTime? access, UnixTime? modify) => SetTimes(handle.Path, access, modify);

    /// <summary>fsync/fdatasync: make the handle's writes durable.</summary>
    Errno Flush(FileHandle handle);

    /// <summary>
    /// True for a mount of a provider that can write but was asked not to (a zip without
    /// <c>writable=true</c>): the VFS then treats it as read-only (EROFS, ST_RDONLY) and never calls the
    /// writing methods.
    /// </summary>
    bool IsReadOnly => false;
}

[Flags]
public enum RenameFlags
{
    None = 0,
    NoReplace = 1,
    Exchange = 2,
}
