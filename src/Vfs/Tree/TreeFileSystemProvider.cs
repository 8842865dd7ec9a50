namespace PtFs.Vfs.Tree;

/// <summary>
/// A read-only provider over a <see cref="FileTree"/>: an archive provider builds the tree and is done.
/// Handles keep their node, so an open file reads on whatever happens to its name.
/// </summary>
public class TreeFileSystemProvider(FileTree tree) : ReadOnlyFileSystemProvider
{
    private const long DirectorySize = 4096;

    protected FileTree Tree { get; } = tree;

    public override Errno GetAttributes(string path, out FileStat stat)
    {
        var errno = Tree.Find(path, out var node);
        stat = errno == Errno.Ok ? StatOf(node) : default;
        return errno;
    }

    public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = [];
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (node is not TreeDirectory directory) return Errno.ENOTDIR;
        entries = List(directory);
        return Errno.Ok;
    }

    public Errno ReadDirectory(FileHandle handle, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = [];
        if (((TreeFileHandle)handle).Node is not TreeDirectory directory) return Errno.ENOTDIR;
        entries = List(directory);
        return Errno.Ok;
    }

    public override Errno ReadLink(string path, out string target)
    {
        target = "";
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (node is not TreeSymlink link) return Errno.EINVAL;
        target = link.Target;
        return Errno.Ok;
    }

    public override Errno Open(string path, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (flags.CanWrite() && this is not IWritableFileSystemProvider) return Errno.EROFS;
        handle = new TreeFileHandle(path, flags, node);
        return Errno.Ok;
    }

    public override Errno GetAttributes(FileHandle handle, out FileStat stat)
    {
        stat = StatOf(((TreeFileHandle)handle).Node);
        return Errno.Ok;
    }

    public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        bytesRead = 0;
        if (((TreeFileHandle)handle).Node is not TreeFile file) return Errno.EISDIR;
        bytesRead = file.Content.Read(offset, buffer);
        return Errno.Ok;
    }

    private static List<DirectoryEntry> List(TreeDirectory directory) =>
        directory.Children.Select(c => new DirectoryEntry(c.Key, c.Value.Type, c.Value.Stat.Inode)).ToList();

    /// <summary>
    /// The attributes of a node as stat shows them: sizes of files and symlinks filled in, directories one
    /// block, as on disk filesystems (du and ls expect something there).
    /// </summary>
    protected static FileStat StatOf(TreeNode node) => node switch
    {
        TreeFile file => node.Stat with { Size = file.Content.Length },
        TreeDirectory => node.Stat with { Size = DirectorySize, AllocatedBytes = DirectorySize },
        TreeSymlink link => node.Stat with { Size = System.Text.Encoding.UTF8.GetByteCount(link.Target) },
        _ => node.Stat,
    };
}

/// <summary>An open node of a tree.</summary>
public sealed class TreeFileHandle(string path, OpenFlags flags, TreeNode node) : FileHandle(path, flags)
{
    public TreeNode Node { get; } = node;
}
