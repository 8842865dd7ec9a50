using System.Text;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// Listing directories, the working directory, making and removing names.
public sealed partial class VirtualFileSystem
{
    private void RegisterDirectories()
    {
        Register(Sys.getdents64, (c, p) => p.MountListings.TryGetValue((int)c.Arg(0), out var listing)
            ? ObserveAndAmend(c, (exit, result) => result == 0 ? ListMountPoints(exit, listing) : result)
            : WithFile(c, p, f => ReadDirectory(c, f)), fdArgument: 0);
        RefuseOnFd(Sys.getdents, Errno.ENOSYS, fdArgument: 0); // the pre-2.6.4 layout; every libc uses getdents64
        Register(Sys.getcwd, GetCwd);
        Register(Sys.chdir, ChangeDirectory);
        Register(Sys.fchdir, ChangeDirectoryToFd); // always stops: a real fchdir must also end a virtual cwd
        Register(Sys.mkdir, (c, p) => MakeDirectory(c, p, -1, 0, (uint)c.Arg(1)));
        Register(Sys.mkdirat, (c, p) => MakeDirectory(c, p, 0, 1, (uint)c.Arg(2)));
        Register(Sys.rmdir, (c, p) => Remove(c, p, -1, 0, directory: true));
        Register(Sys.unlink, (c, p) => Remove(c, p, -1, 0, directory: false));
        Register(Sys.unlinkat, (c, p) => Remove(c, p, 0, 1, directory: ((int)c.Arg(2) & AT_REMOVEDIR) != 0));
    }

    /// <summary>
    /// getdents64 over a listing taken at the first read (and again after a rewind): ".", "..", the
    /// provider's names, and mount points inside it; d_off is the index of the next entry.
    /// </summary>
    private SyscallOutcome ReadDirectory(ISyscall call, OpenFile file)
    {
        if (file.Type != FileType.Directory) return SyscallOutcome.Fail(Errno.ENOTDIR);
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        if (file.Listing is null || file.Offset == 0)
        {
            var errno = file.Mount.Provider.ReadDirectory(file.Handle, out var entries);
            if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
            var listing = new List<DirectoryEntry> { new(".", FileType.Directory), new("..", FileType.Directory) };
            listing.AddRange(entries);
            foreach (var mount in Mounts.MountsIn(file.Absolute))
            {
                string name = PathText.Name(mount.Point);
                if (!entries.Any(e => e.Name == name)) listing.Add(new DirectoryEntry(name, FileType.Directory, SyntheticInodes.OfRoot(mount)));
            }
            file.Listing = listing;
        }

        int capacity = (int)Math.Min(call.Arg(2), 1 << 20);
        var buffer = new byte[capacity];
        int used = 0;
        long index = file.Offset;
        while (index < file.Listing.Count)
        {
            var entry = file.Listing[(int)index];
            ulong inode = SyntheticInodes.Or(entry.Inode, file.Mount, PathText.Combine(file.Inside, entry.Name));
            if (!DirentLayout.TryWrite(buffer.AsSpan(used), inode, index + 1, entry.Type, entry.Name, out int length))
            {
                if (used == 0) return SyscallOutcome.Fail(Errno.EINVAL); // not even one entry fits
                break;
            }
            used += length;
            index++;
        }
        if (used > 0 && call.WriteMemory(call.Arg(1), buffer.AsSpan(0, used)) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        file.Offset = index;
        return SyscallOutcome.Complete(used);
    }

    /// <summary>After the kernel's last entry of a real directory: the mount points in it the disk lacks.</summary>
    private long ListMountPoints(ISyscall call, MountListing listing)
    {
        const long FirstOffset = 1L << 40; // past any offset the kernel's own entries use
        var mounts = Mounts.MountsIn(listing.Absolute).Where(m => !Path.Exists(m.Point)).ToList();
        var buffer = new byte[(int)Math.Min(call.Arg(2), 1 << 16)];
        int used = 0;
        while (listing.Listed < mounts.Count)
        {
            var mount = mounts[listing.Listed];
            // The same inode stat reports for the mount point.
            if (!DirentLayout.TryWrite(buffer.AsSpan(used), SyntheticInodes.OfRoot(mount), FirstOffset + listing.Listed + 1, FileType.Directory,
                    PathText.Name(mount.Point), out int length)) break;
            used += length;
            listing.Listed++;
        }
        if (used == 0) return 0;
        return call.WriteMemory(call.Arg(1), buffer.AsSpan(0, used)) == Errno.Ok ? used : -(long)Errno.EFAULT;
    }

    private static SyscallOutcome GetCwd(ISyscall call, ProcessFiles process)
    {
        if (process.VirtualCwd is not { } cwd) return SyscallOutcome.PassThrough;
        var bytes = Encoding.UTF8.GetBytes(cwd + "\0");
        if ((long)call.Arg(1) < bytes.Length) return SyscallOutcome.Fail(Errno.ERANGE);
        return call.WriteMemory(call.Arg(0), bytes) == Errno.Ok ? SyscallOutcome.Complete(bytes.Length) : SyscallOutcome.Fail(Errno.EFAULT);
    }

    private SyscallOutcome ChangeDirectory(ISyscall call, ProcessFiles process)
    {
        var target = Locate(call, process, -1, 0, follow: true, wantDirectory: true);
        if (target.Outcome is { } kernel)
        {
            if (kernel.Kind == OutcomeKind.Complete) return kernel; // an error found in a mount on the way
            // A real directory: the kernel's cwd is the cwd again once it agrees.
            var observed = ObserveThen(call, (_, result) => { if (result == 0) { process.VirtualCwd = null; process.KernelCwd = null; } });
            return kernel.Kind == OutcomeKind.PassThrough ? observed : kernel;
        }
        var node = target.Node!;
        if (!node.Exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (node.Stat.Type != FileType.Directory) return SyscallOutcome.Fail(Errno.ENOTDIR);
        if (!Permissions.Allows(node.Stat, Who(call, process), Permissions.Execute)) return SyscallOutcome.Fail(Errno.EACCES);
        process.VirtualCwd = node.Absolute;
        return SyscallOutcome.Complete(0);
    }

    private SyscallOutcome ChangeDirectoryToFd(ISyscall call, ProcessFiles process)
    {
        if (!process.Fds.TryGet((int)call.Arg(0), out var d))
            return ObserveThen(call, (exit, result) => { if (result == 0) { process.VirtualCwd = null; process.KernelCwd = null; } });
        if (d.File.Type != FileType.Directory) return SyscallOutcome.Fail(Errno.ENOTDIR);
        if (d.File.Mount.Provider.GetAttributes(d.File.Inside, out var stat) == Errno.Ok && !Permissions.Allows(stat, Who(call, process), Permissions.Execute))
            return SyscallOutcome.Fail(Errno.EACCES);
        process.VirtualCwd = d.File.Absolute;
        return SyscallOutcome.Complete(0);
    }

    private SyscallOutcome MakeDirectory(ISyscall call, ProcessFiles process, int dirfdArgument, int pathArgument, uint mode)
    {
        var target = Locate(call, process, dirfdArgument, pathArgument, follow: false);
        // "file/" names something that exists: mkdir says EEXIST where a lookup would say ENOTDIR.
        if (target.Outcome is { Kind: OutcomeKind.Complete } notDirectory && notDirectory.Result == -(long)Errno.ENOTDIR &&
            call.ReadPath(call.Arg(pathArgument), out string raw) == Errno.Ok && raw.EndsWith('/'))
            return SyscallOutcome.Fail(Errno.EEXIST);
        if (target.Outcome is { } done) return done;
        var node = target.Node!;
        if (node.Exists) return SyscallOutcome.Fail(Errno.EEXIST);
        if (node.Mount!.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        var who = Who(call, process);
        var allowed = ParentAllowsChange(node, who, out _);
        if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
        var errno = writable.MakeDirectory(node.Inside, mode & ~call.Credentials().Umask & 0xFFF, who.Uid, who.Gid);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    private SyscallOutcome Remove(ISyscall call, ProcessFiles process, int dirfdArgument, int pathArgument, bool directory)
    {
        var target = Locate(call, process, dirfdArgument, pathArgument, follow: false);
        if (target.Outcome is { } done) return done;
        var node = target.Node!;
        if (!node.Exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (directory && call.ReadPath(call.Arg(pathArgument), out string raw) == Errno.Ok)
        {
            string last = raw.TrimEnd('/');
            if (last == "." || last.EndsWith("/.", StringComparison.Ordinal)) return SyscallOutcome.Fail(Errno.EINVAL);
            if (last == ".." || last.EndsWith("/..", StringComparison.Ordinal)) return SyscallOutcome.Fail(Errno.ENOTEMPTY);
        }
        if (node.Inside == "/") return SyscallOutcome.Fail(Errno.EBUSY); // a mount point
        if (Mounts.Mounts.Any(m => m.Point == node.Absolute)) return SyscallOutcome.Fail(Errno.EBUSY);
        if (node.Mount!.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        if (!directory && node.TrailingSlash) return SyscallOutcome.Fail(node.Stat.Type == FileType.Directory ? Errno.EISDIR : Errno.ENOTDIR);
        var who = Who(call, process);
        var allowed = ParentAllowsChange(node, who, out var parent);
        if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
        if (!Permissions.MayDelete(parent, node.Stat, who)) return SyscallOutcome.Fail(Errno.EPERM);
        var errno = directory ? writable.RemoveDirectory(node.Inside) : writable.Unlink(node.Inside);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }
}
