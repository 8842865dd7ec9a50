using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// ETXTBSY: the kernel runs no file that is open for writing, and opens for writing no file a process runs
// (a program from a mount runs from a snapshot, so this is for the programs' sake, not PtFs's).
public sealed partial class VirtualFileSystem
{
    /// <summary>Which file a resolved path names, as <see cref="OpenFile.Inode"/> numbers it.</summary>
    private static ulong NodeInode(Resolution node) => SyntheticInodes.Or(node.Stat.Inode, node.Mount!, node.Inside);

    private bool IsRunning(Mount mount, ulong inode) =>
        _processes.Values.Any(p => p.VirtualExe is { } exe && exe.Mount == mount && exe.Inode == inode);

    /// <summary>An fd that may write, or a shared mapping made through one (it keeps its file open).</summary>
    private bool IsOpenForWriting(Mount mount, ulong inode) =>
        _pageCaches.TryGetValue((mount, inode), out var cache) && cache.Writable
        || _processes.Values.Any(p => p.Fds.Files.Any(f => f.Mount == mount && f.Inode == inode && f.Flags.CanWrite() && !f.Flags.HasFlag(OpenFlags.Path)));
}
