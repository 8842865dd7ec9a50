using System.Text;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// stat and friends, access, readlink.
public sealed partial class VirtualFileSystem
{
    private const int W_OK = 2, AT_EACCESS = 0x200;

    private void RegisterStat()
    {
        Register(Sys.stat, (c, p) => Stat(c, Locate(c, p, -1, 0, follow: true), c.Arg(1), statx: false));
        Register(Sys.lstat, (c, p) => Stat(c, Locate(c, p, -1, 0, follow: false), c.Arg(1), statx: false));
        Register(Sys.fstat, (c, p) => WithFile(c, p, f => Stat(c, new Target(null, f, null), c.Arg(1), statx: false)), fdArgument: 0);
        Register(Sys.newfstatat, (c, p) =>
        {
            int flags = (int)c.Arg(3);
            var target = Locate(c, p, 0, 1, follow: (flags & AT_SYMLINK_NOFOLLOW) == 0, emptyPathMeansFd: (flags & AT_EMPTY_PATH) != 0);
            return Stat(c, target, c.Arg(2), statx: false);
        });
        Register(Sys.statx, (c, p) =>
        {
            int flags = (int)c.Arg(2);
            var target = Locate(c, p, 0, 1, follow: (flags & AT_SYMLINK_NOFOLLOW) == 0, emptyPathMeansFd: (flags & AT_EMPTY_PATH) != 0);
            return Stat(c, target, c.Arg(4), statx: true);
        });
        Register(Sys.access, (c, p) => Access(c, p, Locate(c, p, -1, 0, follow: true), (int)c.Arg(1), effective: false));
        Register(Sys.faccessat, (c, p) => Access(c, p, Locate(c, p, 0, 1, follow: true), (int)c.Arg(2), effective: false));
        Register(Sys.faccessat2, (c, p) =>
        {
            int flags = (int)c.Arg(3);
            return Access(c, p, Locate(c, p, 0, 1, follow: (flags & AT_SYMLINK_NOFOLLOW) == 0, emptyPathMeansFd: (flags & AT_EMPTY_PATH) != 0), (int)c.Arg(2),
                effective: (flags & AT_EACCESS) != 0);
        });
        Register(Sys.readlink, (c, p) => ReadLinkOrMagic(c, p, -1, 0, c.Arg(1), (long)c.Arg(2)));
        Register(Sys.readlinkat, (c, p) => ReadLinkOrMagic(c, p, 0, 1, c.Arg(2), (long)c.Arg(3)));
    }

    /// <summary>The attributes of what a target names: an open file, or a node that must exist.</summary>
    private static Errno AttributesOf(Target target, out FileStat stat, out ulong device)
    {
        stat = default;
        device = 0;
        if (target.File is { } file)
        {
            device = file.Mount.Device;
            return file.Flags.HasFlag(OpenFlags.Path)
                ? file.Mount.Provider.GetAttributes(file.Inside, out stat)
                : file.Mount.Provider.GetAttributes(file.Handle, out stat);
        }
        var node = target.Node!;
        if (!node.Exists) return Errno.ENOENT;
        device = node.Mount!.Device;
        stat = node.Stat;
        return Errno.Ok;
    }

    private SyscallOutcome Stat(ISyscall call, Target target, ulong buffer, bool statx)
    {
        if (target.Outcome is { } done) return done;
        var errno = AttributesOf(target, out var stat, out ulong device);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        stat.Inode = target.File is { } file ? SyntheticInodes.Or(stat.Inode, file.Mount, file.Inside) : SyntheticInodes.Or(stat.Inode, target.Node!.Mount!, target.Node.Inside);
        Span<byte> image = stackalloc byte[StatLayout.StatxSize];
        int length;
        if (statx)
        {
            StatLayout.WriteStatx(image, stat, device);
            length = StatLayout.StatxSize;
        }
        else
        {
            StatLayout.WriteStat(image, stat, device);
            length = StatLayout.StatSize;
        }
        return call.WriteMemory(buffer, image[..length]) == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(Errno.EFAULT);
    }

    /// <summary>access(2): checked with the real ids (a set-id program asks what its caller may do), AT_EACCESS with the effective ones.</summary>
    private static SyscallOutcome Access(ISyscall call, ProcessFiles process, Target target, int mode, bool effective)
    {
        if ((mode & ~7) != 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (target.Outcome is { } done) return done;
        var errno = AttributesOf(target, out var stat, out _);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        var mount = target.File?.Mount ?? target.Node!.Mount!;
        if ((mode & W_OK) != 0 && mount.Writable is null) return SyscallOutcome.Fail(Errno.EROFS);
        var who = effective ? Who(call, process) : Who(call, process).AsReal;
        return Permissions.Allows(stat, who, mode) ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(Errno.EACCES);
    }

    /// <summary>
    /// readlink, where /proc/self/fd/N of a virtual fd answers with the virtual file's path, and
    /// /proc/self/exe of a program run from a mount with the program's path (not the memfd it runs from).
    /// </summary>
    private SyscallOutcome ReadLinkOrMagic(ISyscall call, ProcessFiles process, int dirfdArgument, int pathArgument, ulong buffer, long size)
    {
        if (call.ReadPath(call.Arg(pathArgument), out string path) == Errno.Ok)
        {
            if (MagicLink(call, process, path, out string rest) is { } file && rest.Length == 0) return Answer(call, file.Absolute, buffer, size);
            if (process.VirtualExe is { } exe && (path == "/proc/self/exe" || path == $"/proc/{call.Pid}/exe")) return Answer(call, exe.Path, buffer, size);
        }
        return ReadLink(call, Locate(call, process, dirfdArgument, pathArgument, follow: false, emptyPathMeansFd: true), buffer, size);
    }

    private static SyscallOutcome Answer(ISyscall call, string text, ulong buffer, long size)
    {
        if (size <= 0) return SyscallOutcome.Fail(Errno.EINVAL);
        var bytes = Encoding.UTF8.GetBytes(text);
        int n = (int)Math.Min(bytes.Length, size);
        return call.WriteMemory(buffer, bytes.AsSpan(0, n)) == Errno.Ok ? SyscallOutcome.Complete(n) : SyscallOutcome.Fail(Errno.EFAULT);
    }

    private static SyscallOutcome ReadLink(ISyscall call, Target target, ulong buffer, long size)
    {
        if (target.Outcome is { } done) return done;
        if (size <= 0) return SyscallOutcome.Fail(Errno.EINVAL);
        var (mount, path, exists) = Named(target);
        if (!exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (target.File is { Type: not FileType.Symlink }) return SyscallOutcome.Fail(Errno.ENOENT); // readlinkat(fd, "") of a non-link
        var errno = mount.Provider.ReadLink(path, out string linkTarget);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        var bytes = Encoding.UTF8.GetBytes(linkTarget);
        int n = (int)Math.Min(bytes.Length, size);
        return call.WriteMemory(buffer, bytes.AsSpan(0, n)) == Errno.Ok ? SyscallOutcome.Complete(n) : SyscallOutcome.Fail(Errno.EFAULT);
    }
}
