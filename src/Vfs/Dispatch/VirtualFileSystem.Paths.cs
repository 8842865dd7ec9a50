namespace PtFs.Vfs.Dispatch;

// Where a syscall's path argument leads: the dirfd, the cwd, AT_EMPTY_PATH, then the resolver.
public sealed partial class VirtualFileSystem
{
    private const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
        AT_EMPTY_PATH = 0x1000;

    /// <summary>
    /// A path argument, located: an outcome to return now (with the resolution when the path is real), an
    /// open virtual fd, or a virtual node.
    /// </summary>
    private readonly record struct Target(SyscallOutcome? Outcome, OpenFile? File, Resolution? Node)
    {
        public static Target Done(SyscallOutcome outcome) => new(outcome, null, null);
    }

    /// <summary>
    /// The virtual file behind /proc/self/fd/N, /proc/PID/fd/N (this process), /dev/fd/N or /dev/std{in,out,err},
    /// and what follows N in the path.
    /// </summary>
    private static OpenFile? MagicLink(ISyscall call, ProcessFiles process, string path, out string rest)
    {
        rest = "";
        string? tail = path switch
        {
            "/dev/stdin" => "0",
            "/dev/stdout" => "1",
            "/dev/stderr" => "2",
            _ when path.StartsWith("/dev/fd/", StringComparison.Ordinal) => path[8..],
            _ when path.StartsWith("/proc/self/fd/", StringComparison.Ordinal) => path[14..],
            _ when path.StartsWith($"/proc/{call.Pid}/fd/", StringComparison.Ordinal) => path[$"/proc/{call.Pid}/fd/".Length..],
            _ => null,
        };
        if (tail is null) return null;
        int slash = tail.IndexOf('/');
        if (slash >= 0) (tail, rest) = (tail[..slash], tail[slash..]); // /proc/self/fd/N/inside/a/directory
        return int.TryParse(tail, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int fd) &&
            process.Fds.TryGet(fd, out var d) ? d.File : null;
    }

    /// <summary>Whether the directory holding a virtual node lets <paramref name="who"/> add or remove names (w and x).</summary>
    private static Errno ParentAllowsChange(Resolution node, Credentials who, out FileStat parent)
    {
        parent = default;
        if (node.Inside == "/") return Errno.Ok; // the mount point's parent is the kernel's
        var errno = node.Mount!.Provider.GetAttributes(PathText.Parent(node.Inside), out parent);
        if (errno != Errno.Ok) return errno;
        return Permissions.Allows(parent, who, Permissions.Write | Permissions.Execute) ? Errno.Ok : Errno.EACCES;
    }

    /// <param name="dirfdArgument">Index of the dirfd argument, or -1 for the classic calls (cwd-relative).</param>
    /// <param name="emptyPathMeansFd">AT_EMPTY_PATH was given: an empty path names the dirfd itself.</param>
    /// <param name="wantDirectory">Only a directory will do (chdir, O_DIRECTORY): see <see cref="PathResolver.Resolve"/>.</param>
    /// <param name="resolve">openat2's RESOLVE_* flags.</param>
    private Target Locate(ISyscall call, ProcessFiles process, int dirfdArgument, int pathArgument, bool follow, bool emptyPathMeansFd = false,
        bool wantDirectory = false, ResolveFlags resolve = ResolveFlags.None)
    {
        int dirfd = dirfdArgument < 0 ? AT_FDCWD : (int)call.Arg(dirfdArgument);
        OpenFile? dirFile = process.Fds.TryGet(dirfd, out var d) ? d.File : null;
        var errno = call.ReadPath(call.Arg(pathArgument), out string path);
        if (errno != Errno.Ok) return Target.Done(dirFile is null && process.VirtualCwd is null ? SyscallOutcome.PassThrough : SyscallOutcome.Fail(errno));
        if (path.Length == 0)
        {
            if (dirFile is null) return Target.Done(SyscallOutcome.PassThrough);
            return emptyPathMeansFd ? new Target(null, dirFile, null) : Target.Done(SyscallOutcome.Fail(Errno.ENOENT));
        }

        string start;
        if (path.StartsWith('/') && !resolve.HasFlag(ResolveFlags.InRoot)) start = "/"; // under RESOLVE_IN_ROOT, "/" is the dirfd
        else if (dirFile is not null)
        {
            if (dirFile.Type != FileType.Directory) return Target.Done(SyscallOutcome.Fail(Errno.ENOTDIR));
            start = dirFile.Absolute;
        }
        else if (dirfd == AT_FDCWD) start = process.VirtualCwd ?? (process.KernelCwd ??= call.KernelPath(AT_FDCWD) ?? "/");
        else start = call.KernelPath(dirfd) ?? "";
        if (start.Length == 0 || !start.StartsWith('/')) return Target.Done(SyscallOutcome.PassThrough); // a bad or odd dirfd: the kernel's answer

        // /proc/self/fd/N of a virtual fd names the virtual file, not the placeholder behind N: following it reaches
        // the file itself; the link itself (lstat) is the kernel's.
        string? VirtualFileBehind(string real) =>
            (real.StartsWith("/proc/", StringComparison.Ordinal) || real.StartsWith("/dev/", StringComparison.Ordinal)) &&
            MagicLink(call, process, real, out string rest) is { } linked && rest.Length == 0 ? linked.Absolute : null;

        var resolution = _resolver.Resolve(path, start, follow, () => Who(call, process), wantDirectory, resolve, VirtualFileBehind);
        if (resolution.IsLeftToKernel) return Target.Done(SyscallOutcome.PassThrough);
        // RESOLVE_CACHED: a name that does not exist is in no cache (tmpfs keeps no negative dentries either), so
        // the program is to try again without the flag, as the kernel asks it to when a lookup would have to wait.
        bool uncached = resolve.HasFlag(ResolveFlags.Cached) && (resolution.Error == Errno.ENOENT || resolution is { IsVirtual: true, Exists: false });
        if (uncached) return Target.Done(SyscallOutcome.Fail(Errno.EAGAIN));
        if (resolution.Error != Errno.Ok) return Target.Done(SyscallOutcome.Fail(resolution.Error));
        if (!resolution.IsVirtual)
        {
            bool kernelCanFindIt = !resolution.PassedThroughMount && (path.StartsWith('/') || dirFile is null);
            var outcome = kernelCanFindIt ? SyscallOutcome.PassThrough : SyscallOutcome.RedirectPath(pathArgument, KernelPathOf(resolution, start, resolve));
            return new Target(outcome, null, resolution); // the resolution tells where the real path led
        }
        return new Target(null, null, resolution);
    }

    /// <summary>
    /// The real path a walk through a mount led to, as the kernel is to walk it from the same dirfd: absolute, or
    /// under RESOLVE_BENEATH and RESOLVE_IN_ROOT relative to the starting directory (the root the kernel keeps the
    /// rest of the walk in; a scoped walk that reached a real path started in a real directory and stayed below it).
    /// </summary>
    private static string KernelPathOf(Resolution real, string start, ResolveFlags resolve)
    {
        string path = real.Absolute;
        if ((resolve & (ResolveFlags.Beneath | ResolveFlags.InRoot)) != 0 && PathText.IsWithin(real.Absolute, start, out string inside))
            path = inside == "/" ? "." : inside[1..];
        return real.TrailingSlash ? path + "/" : path;
    }
}
