using System.Globalization;
using System.Runtime.CompilerServices;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Memory;

/// <summary>
/// A read-write tree in memory, like tmpfs: files (sparse), directories, symlinks, hard links, modes,
/// owners, nanosecond times, extended attributes. A file unlinked while open stays readable and writable
/// through its handles until they are released.
/// </summary>
public partial class MemoryProvider : TreeFileSystemProvider, IWritableFileSystemProvider, IExtendedAttributes
{
    private readonly ConditionalWeakTable<TreeNode, Dictionary<string, byte[]>> _xattrs = [];

    /// <summary>An empty tree whose root is owned by this process's user, 0755, unless the options say otherwise.</summary>
    public MemoryProvider(MemoryOptions? options = null)
        : base(new FileTree(RootStat(options ?? new MemoryOptions())))
    {
    }

    /// <summary>
    /// A tree built elsewhere (from an archive): files whose bytes come from somewhere else are copied into
    /// memory on their first change.
    /// </summary>
    protected MemoryProvider(FileTree tree)
        : base(tree)
    {
    }

    /// <summary>See <see cref="IWritableFileSystemProvider.IsReadOnly"/>; a memory tree is writable.</summary>
    public virtual bool IsReadOnly => false;

    public Errno Create(string path, uint mode, uint uid, uint gid, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        var errno = NewNode(path, out var parent, out string name);
        if (errno != Errno.Ok) return errno;
        var file = new TreeFile(Fresh(FileStat.File(0, mode), uid, gid), new MemoryContent());
        FileTree.Attach(parent, name, file);
        handle = new TreeFileHandle(path, flags, file);
        return Errno.Ok;
    }

    public Errno Write(FileHandle handle, long offset, ReadOnlySpan<byte> data, out int bytesWritten)
    {
        bytesWritten = 0;
        if (((TreeFileHandle)handle).Node is not TreeFile file) return Errno.EBADF;
        InMemory(file).Write(offset, data);
        bytesWritten = data.Length;
        Modified(file);
        return Errno.Ok;
    }

    public Errno SetSize(string path, long size)
    {
        var errno = Tree.Find(path, out var node);
        return errno != Errno.Ok ? errno : Resize(node, size);
    }

    public Errno SetSize(FileHandle handle, long size) => Resize(((TreeFileHandle)handle).Node, size);

    public Errno MakeDirectory(string path, uint mode, uint uid, uint gid)
    {
        var errno = NewNode(path, out var parent, out string name);
        if (errno != Errno.Ok) return errno;
        FileTree.Attach(parent, name, new TreeDirectory(Fresh(FileStat.Directory(mode), uid, gid)));
        return Errno.Ok;
    }

    public Errno RemoveDirectory(string path)
    {
        if (path == "/") return Errno.EBUSY;
        var errno = Existing(path, out var parent, out string name, out var node);
        if (errno != Errno.Ok) return errno;
        if (node is not TreeDirectory directory) return Errno.ENOTDIR;
        if (directory.Children.Count > 0) return Errno.ENOTEMPTY;
        Remove(parent, name, node);
        return Errno.Ok;
    }

    public Errno Unlink(string path)
    {
        var errno = Existing(path, out var parent, out string name, out var node);
        if (errno != Errno.Ok) return errno;
        if (node is TreeDirectory) return Errno.EISDIR;
        Remove(parent, name, node);
        return Errno.Ok;
    }

    public Errno Link(string existing, string newPath)
    {
        var errno = Tree.Find(existing, out var node);
        if (errno != Errno.Ok) return errno;
        if (node is TreeDirectory) return Errno.EPERM;
        errno = NewNode(newPath, out var parent, out string name);
        if (errno != Errno.Ok) return errno;
        FileTree.Attach(parent, name, node);
        node.Stat.Links++;
        node.Stat.ChangeTime = UnixTime.Now;
        return Errno.Ok;
    }

    public Errno Symlink(string target, string linkPath, uint uid, uint gid)
    {
        var errno = NewNode(linkPath, out var parent, out string name);
        if (errno != Errno.Ok) return errno;
        var stat = new FileStat { Type = FileType.Symlink, Mode = 0x1FF, Links = 1, AllocatedBytes = -1 };
        FileTree.Attach(parent, name, new TreeSymlink(Fresh(stat, uid, gid), target));
        return Errno.Ok;
    }

    public Errno SetMode(string path, uint mode) => Change(path, node => node.Stat.Mode = mode & 0xFFF);

    public Errno SetOwner(string path, uint uid, uint gid) => Change(path, node =>
    {
        if (uid != uint.MaxValue) node.Stat.Uid = uid;
        if (gid != uint.MaxValue) node.Stat.Gid = gid;
    });

    public Errno SetTimes(string path, UnixTime? access, UnixTime? modify) => Change(path, node =>
    {
        if (access is { } a) node.Stat.AccessTime = a;
        if (modify is { } m) node.Stat.ModifyTime = m;
    });

    public Errno SetMode(FileHandle handle, uint mode) => Change(((TreeFileHandle)handle).Node, node => node.Stat.Mode = mode & 0xFFF);

    public Errno SetOwner(FileHandle handle, uint uid, uint gid) => Change(((TreeFileHandle)handle).Node, node =>
    {
        if (uid != uint.MaxValue) node.Stat.Uid = uid;
        if (gid != uint.MaxValue) node.Stat.Gid = gid;
    });

    public Errno SetTimes(FileHandle handle, UnixTime? access, UnixTime? modify) => Change(((TreeFileHandle)handle).Node, node =>
    {
        if (access is { } a) node.Stat.AccessTime = a;
        if (modify is { } m) node.Stat.ModifyTime = m;
    });

    public Errno Flush(FileHandle handle) => Errno.Ok;

    public override Errno GetAttributes(string path, out FileStat stat)
    {
        var errno = base.GetAttributes(path, out stat);
        if (errno == Errno.Ok && Tree.Find(path, out var node) == Errno.Ok) stat = WithAllocation(node, stat);
        return errno;
    }

    public override Errno GetAttributes(FileHandle handle, out FileStat stat)
    {
        base.GetAttributes(handle, out stat);
        stat = WithAllocation(((TreeFileHandle)handle).Node, stat);
        return Errno.Ok;
    }

    public override Errno GetFileSystemStats(out FsStats stats)
    {
        stats = FsStats.Default;
        return Errno.Ok;
    }

    private static FileStat RootStat(MemoryOptions options)
    {
        var (uid, gid) = ProcessIdentity.Current();
        var now = UnixTime.Now;
        if (options.Mode.Length is 0 or > 4 || options.Mode.Any(c => c is < '0' or > '7'))
            throw new FsException(Errno.EINVAL, $"--option mode wants an octal mode such as 755, not '{options.Mode}'");
        return FileStat.Directory(Convert.ToUInt32(options.Mode, 8)) with
        {
            Uid = options.Uid ?? uid,
            Gid = options.Gid ?? gid,
            AccessTime = now, ModifyTime = now, ChangeTime = now,
        };
    }

    private static FileStat WithAllocation(TreeNode node, FileStat stat) =>
        node is TreeFile { Content: MemoryContent content } ? stat with { AllocatedBytes = content.AllocatedBytes } : stat;

    private FileStat Fresh(FileStat stat, uint uid, uint gid)
    {
        var now = UnixTime.Now;
        return Tree.Numbered(stat with { Mode = stat.Mode & 0xFFF, Uid = uid, Gid = gid, AccessTime = now, ModifyTime = now, ChangeTime = now });
    }

    /// <summary>The parent of a name that must not exist yet.</summary>
    private Errno NewNode(string path, out TreeDirectory parent, out string name)
    {
        var errno = Tree.FindParent(path, out parent, out name);
        if (errno == Errno.EBUSY) return Errno.EEXIST; // the root
        if (errno != Errno.Ok) return errno;
        if (parent.Children.ContainsKey(name)) return Errno.EEXIST;
        Modified(parent);
        return Errno.Ok;
    }

    private Errno Existing(string path, out TreeDirectory parent, out string name, out TreeNode node)
    {
        node = null!;
        var errno = Tree.FindParent(path, out parent, out name);
        if (errno != Errno.Ok) return errno;
        return parent.Children.TryGetValue(name, out node!) ? Errno.Ok : Errno.ENOENT;
    }

    private static void Remove(TreeDirectory parent, string name, TreeNode node)
    {
        parent.Children.Remove(name);
        FileTree.Detach(parent, node);
        node.Stat.Links = node is TreeDirectory ? 0 : node.Stat.Links - 1;
        node.Stat.ChangeTime = UnixTime.Now;
        Modified(parent);
    }

    /// <summary>
    /// The file's bytes as memory it can change: content from elsewhere (an archive entry) is copied in
    /// first, up to <paramref name="keep"/> bytes (a truncation needs no more).
    /// </summary>
    private static MemoryContent InMemory(TreeFile file, long keep = long.MaxValue)
    {
        if (file.Content is MemoryContent memory) return memory;
        var copy = new MemoryContent();
        var chunk = new byte[1 << 20];
        for (long at = 0, end = Math.Min(keep, file.Content.Length); at < end;)
        {
            int n = file.Content.Read(at, chunk.AsSpan(0, (int)Math.Min(chunk.Length, end - at)));
            if (n == 0) break;
            copy.Write(at, chunk.AsSpan(0, n));
            at += n;
        }
        file.Content = copy;
        return copy;
    }

    private static Errno Resize(TreeNode node, long size)
    {
        if (node is TreeDirectory) return Errno.EISDIR;
        if (node is not TreeFile file) return Errno.EINVAL;
        if (size < 0) return Errno.EINVAL;
        InMemory(file, keep: size).SetLength(size);
        Modified(file);
        return Errno.Ok;
    }

    private Errno Change(string path, Action<TreeNode> change)
    {
        var errno = Tree.Find(path, out var node);
        return errno != Errno.Ok ? errno : Change(node, change);
    }

    private static Errno Change(TreeNode node, Action<TreeNode> change)
    {
        change(node);
        node.Stat.ChangeTime = UnixTime.Now;
        return Errno.Ok;
    }

    private static void Modified(TreeNode node)
    {
        var now = UnixTime.Now;
        node.Stat.ModifyTime = now;
        node.Stat.ChangeTime = now;
    }
}
