namespace PtFs.Vfs;

/// <summary>
/// One open of a node (an open file description, shared by dup and fork). Providers may subclass it to
/// keep their state; the VFS calls <see cref="IFileSystemProvider.Release"/> exactly once per handle.
/// </summary>
public class FileHandle(string path, OpenFlags flags)
{
    /// <summary>The mount-relative path it was opened by (it may have been renamed or unlinked since).</summary>
    public string Path { get; } = path;

    public OpenFlags Flags { get; } = flags;
}
