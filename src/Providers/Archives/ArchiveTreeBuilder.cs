using Microsoft.Extensions.Logging;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Archives;

/// <summary>
/// Builds the tree an archive provider serves, with one rule set for whatever an archive holds: names pass
/// through <see cref="ArchivePath"/>; directories that only appear inside names exist implicitly (with the
/// archive's defaults); a name given twice means its last member (as extracting the archive would leave
/// it); and where a file and a directory claim one name, the directory wins.
/// </summary>
public sealed partial class ArchiveTreeBuilder(FileStat implicitDirectory, string archive, ILogger logger)
{
    public FileTree Tree { get; } = new(implicitDirectory);

    /// <summary>Directories the archive names itself (the others exist only inside names).</summary>
    public HashSet<TreeDirectory> ExplicitDirectories { get; } = [];

    /// <summary>An explicit directory: its attributes replace the implicit ones (children stay).</summary>
    public void AddDirectory(string name, FileStat stat)
    {
        string? path = ArchivePath.Normalize(name);
        if (path is not null && !Reachable(path)) return;
        if (path is null)
        {
            Tree.Root.Stat = stat with { Inode = Tree.Root.Stat.Inode, Links = Tree.Root.Stat.Links };
            return;
        }
        var parent = ParentOf(path, out string last);
        if (parent.Children.TryGetValue(last, out var existing) && existing is TreeDirectory directory)
        {
            directory.Stat = stat with { Inode = directory.Stat.Inode, Links = directory.Stat.Links };
            ExplicitDirectories.Add(directory);
            return;
        }
        if (existing is not null) Replace(parent, last, existing, path);
        var made = new TreeDirectory(Tree.Numbered(stat with { Links = 2 }));
        FileTree.Attach(parent, last, made);
        ExplicitDirectories.Add(made);
    }

    /// <summary>A file or symlink; returns false when a directory holds the name (and the member is dropped).</summary>
    public bool AddLeaf(string name, TreeNode node)
    {
        if (ArchivePath.Normalize(name) is not { } path || !Reachable(path)) return false;
        var parent = ParentOf(path, out string last);
        if (parent.Children.TryGetValue(last, out var existing))
        {
            if (existing is TreeDirectory)
            {
                LogShadowed(logger, archive, path);
                return false;
            }
            Replace(parent, last, existing, path);
        }
        node.Stat = Tree.Numbered(node.Stat);
        FileTree.Attach(parent, last, node);
        return true;
    }

    /// <summary>A hard link: the node already at <paramref name="target"/> gets a second name.</summary>
    public bool AddHardLink(string name, string target)
    {
        if (ArchivePath.Normalize(target) is not { } targetPath || Tree.Find(targetPath, out var node) != Errno.Ok || node is TreeDirectory)
            return false;
        if (ArchivePath.Normalize(name) is not { } path || !Reachable(path)) return false;
        var parent = ParentOf(path, out string last);
        if (parent.Children.TryGetValue(last, out var existing))
        {
            if (existing is TreeDirectory || existing == node) return false;
            Replace(parent, last, existing, path);
        }
        FileTree.Attach(parent, last, node);
        node.Stat.Links++;
        return true;
    }

    /// <summary>The directory that holds <paramref name="path"/>, made implicitly where missing; a file in the way gives way.</summary>
    private TreeDirectory ParentOf(string path, out string last)
    {
        var names = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        last = names[^1];
        var directory = Tree.Root;
        string walked = "";
        foreach (string name in names[..^1])
        {
            walked += "/" + name;
            if (directory.Children.TryGetValue(name, out var next) && next is TreeDirectory d)
            {
                directory = d;
                continue;
            }
            if (next is not null) Replace(directory, name, next, walked);
            var made = new TreeDirectory(Tree.Numbered(implicitDirectory with { Inode = 0, Links = 2 }));
            FileTree.Attach(directory, name, made);
            directory = made;
        }
        return directory;
    }

    private bool Reachable(string path)
    {
        if (ArchivePath.Fits(path)) return true;
        LogTooLong(logger, archive, path.Length > 120 ? path[..120] + "..." : path);
        return false;
    }

    private void Replace(TreeDirectory parent, string name, TreeNode existing, string path)
    {
        parent.Children.Remove(name);
        FileTree.Detach(parent, existing);
        if (existing is not TreeDirectory) existing.Stat.Links--;
        LogReplaced(logger, archive, path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Archive}: {Path} is longer than Linux allows a name or path to be; it is left out")]
    private static partial void LogTooLong(ILogger logger, string archive, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Archive}: {Path} appears more than once; the last one is served")]
    private static partial void LogReplaced(ILogger logger, string archive, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Archive}: {Path} is a directory and also a file; the directory is served")]
    private static partial void LogShadowed(ILogger logger, string archive, string path);
}
