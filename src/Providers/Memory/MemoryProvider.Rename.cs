using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Memory;

// rename(2) and renameat2's NOREPLACE / EXCHANGE, with the kernel's checks in the kernel's order.
public partial class MemoryProvider
{
    public Errno Rename(string from, string to, RenameFlags flags)
    {
        if ((flags & RenameFlags.NoReplace) != 0 && (flags & RenameFlags.Exchange) != 0) return Errno.EINVAL;
        var errno = Existing(from, out var fromParent, out string fromName, out var node);
        if (errno != Errno.Ok) return errno;
        errno = Tree.FindParent(to, out var toParent, out string toName);
        if (errno != Errno.Ok) return errno == Errno.EBUSY ? Errno.EBUSY : errno;
        toParent.Children.TryGetValue(toName, out var replaced);

        // The kernel's order: NOREPLACE, a missing EXCHANGE partner, a directory into itself, onto its own
        // ancestor, the same inode, type mismatches, then a non-empty target.
        if (replaced is not null && flags.HasFlag(RenameFlags.NoReplace)) return Errno.EEXIST;
        if (flags.HasFlag(RenameFlags.Exchange) && replaced is null) return Errno.ENOENT;
        if (IsWithin(toParent, node)) return Errno.EINVAL;
        if (replaced is not null && IsWithin(fromParent, replaced)) return flags.HasFlag(RenameFlags.Exchange) ? Errno.EINVAL : Errno.ENOTEMPTY;
        if (replaced == node) return Errno.Ok; // the same node (or a hard link of it): nothing to do

        if (flags.HasFlag(RenameFlags.Exchange))
        {
            fromParent.Children[fromName] = replaced!;
            toParent.Children[toName] = node;
            if (node is TreeDirectory != replaced is TreeDirectory && fromParent != toParent)
            {
                int moved = node is TreeDirectory ? 1 : -1;
                fromParent.Stat.Links = (uint)(fromParent.Stat.Links - moved);
                toParent.Stat.Links = (uint)(toParent.Stat.Links + moved);
            }
            Touched(node, replaced, fromParent, toParent);
            return Errno.Ok;
        }
        if (node is TreeDirectory)
        {
            if (replaced is not null and not TreeDirectory) return Errno.ENOTDIR;
            if (replaced is TreeDirectory { Children.Count: > 0 }) return Errno.ENOTEMPTY;
        }
        else if (replaced is TreeDirectory)
        {
            return Errno.EISDIR;
        }

        if (replaced is not null) Remove(toParent, toName, replaced);
        fromParent.Children.Remove(fromName);
        FileTree.Detach(fromParent, node);
        FileTree.Attach(toParent, toName, node);
        Touched(node, null, fromParent, toParent);
        return Errno.Ok;
    }

    /// <summary>Whether <paramref name="directory"/> is <paramref name="node"/> or lies below it.</summary>
    private bool IsWithin(TreeDirectory directory, TreeNode node) => node is TreeDirectory && Contains(node, directory);

    private static bool Contains(TreeNode ancestor, TreeNode node) =>
        ancestor == node || (ancestor is TreeDirectory d && d.Children.Values.Any(c => c is TreeDirectory && Contains(c, node)));

    private static void Touched(TreeNode node, TreeNode? other, TreeDirectory fromParent, TreeDirectory toParent)
    {
        var now = UnixTime.Now;
        node.Stat.ChangeTime = now;
        if (other is not null) other.Stat.ChangeTime = now;
        Modified(fromParent);
        Modified(toParent);
    }
}
