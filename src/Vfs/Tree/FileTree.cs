namespace PtFs.Vfs.Tree;

/// <summary>
/// A tree of nodes with inode numbers, for providers that hold their namespace in memory: archive
/// providers build one and serve it read-only (<see cref="TreeFileSystemProvider"/>), the memory provider
/// changes it. Paths are VFS-normalized ("/", "/a/b").
/// </summary>
public sealed class FileTree
{
    private ulong _nextInode = 1;

    public FileTree(FileStat rootStat)
    {
        Root = new TreeDirectory(Numbered(rootStat));
    }

    public TreeDirectory Root { get; }

    /// <summary>Gives <paramref name="stat"/> the next inode number unless it has one.</summary>
    public FileStat Numbered(FileStat stat) => stat.Inode != 0 ? stat : stat with { Inode = ++_nextInode };

    /// <summary>The node at <paramref name="path"/> (symlinks are not followed: the VFS resolved them).</summary>
    public Errno Find(string path, out TreeNode node)
    {
        node = Root;
        foreach (string name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not TreeDirectory directory) return Errno.ENOTDIR;
            if (!directory.Children.TryGetValue(name, out node!)) return Errno.ENOENT;
        }
        return Errno.Ok;
    }

    /// <summary>The directory that holds (or would hold) <paramref name="path"/>, and the last name.</summary>
    public Errno FindParent(string path, out TreeDirectory parent, out string name)
    {
        int slash = path.LastIndexOf('/');
        name = path[(slash + 1)..];
        parent = null!;
        if (name.Length == 0) return Errno.EBUSY; // the root itself
        var errno = Find(slash == 0 ? "/" : path[..slash], out var node);
        if (errno != Errno.Ok) return errno;
        if (node is not TreeDirectory directory) return Errno.ENOTDIR;
        parent = directory;
        return Errno.Ok;
    }

    /// <summary>Adds <paramref name="node"/> under its parent, creating missing directories (for builders).</summary>
    public void Add(string path, TreeNode node, FileStat? directoryStat = null)
    {
        var directory = Root;
        var names = path.Trim('/').Split('/');
        for (int i = 0; i < names.Length - 1; i++)
        {
            if (!directory.Children.TryGetValue(names[i], out var next))
            {
                next = new TreeDirectory(Numbered(directoryStat ?? FileStat.Directory()));
                Attach(directory, names[i], next);
            }
            directory = next as TreeDirectory ?? throw new FsException(Errno.ENOTDIR, $"{path}: {names[i]} is not a directory");
        }
        if (directory.Children.Remove(names[^1], out var replaced)) Detach(directory, replaced);
        Attach(directory, names[^1], node);
    }

    /// <summary>Puts <paramref name="node"/> into <paramref name="directory"/> and counts the links.</summary>
    public static void Attach(TreeDirectory directory, string name, TreeNode node)
    {
        directory.Children[name] = node;
        if (node is TreeDirectory) directory.Stat.Links++;
    }

    public static void Detach(TreeDirectory directory, TreeNode node)
    {
        if (node is TreeDirectory) directory.Stat.Links--;
    }
}
