using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// open, openat, creat, openat2 and close.
public sealed partial class VirtualFileSystem
{
    private const int O_CLOEXEC = 0x80000;

    private void RegisterOpenClose()
    {
        Register(Sys.open, (c, p) => Open(c, p, -1, 0, (int)c.Arg(1), (uint)c.Arg(2)));
        Register(Sys.openat, (c, p) => Open(c, p, 0, 1, (int)c.Arg(2), (uint)c.Arg(3)));
        Register(Sys.creat, (c, p) => Open(c, p, -1, 0, (int)(OpenFlags.Create | OpenFlags.WriteOnly | OpenFlags.Truncate), (uint)c.Arg(1)));
        Register(Sys.openat2, OpenAt2, treatment: "served with every RESOLVE_* flag; RESOLVE_CACHED gets EAGAIN for a name that does not exist (kept in no cache, as on tmpfs)");
        Register(Sys.close, Close, fdArgument: 0);
    }

    private SyscallOutcome OpenAt2(ISyscall call, ProcessFiles process)
    {
        var errno = OpenHow.Read(call, call.Arg(2), call.Arg(3), out var how);
        if (errno == Errno.Ok) errno = how.Validate();
        if (errno == Errno.Ok) return Open(call, process, 0, 1, (int)how.Flags, (uint)how.Mode, how.Resolve);
        // The kernel refuses these before it looks at the path. A wholly real call (real dirfd or cwd, real path)
        // gets the kernel's own answer, which a newer kernel may not give; anything else the same refusal from here,
        // for a placeholder must never meet flags the VFS cannot read.
        int dirfd = (int)call.Arg(0);
        bool virtualStart = process.Fds.TryGet(dirfd, out _) || dirfd == AT_FDCWD && process.VirtualCwd is not null;
        bool whollyReal = !virtualStart && Locate(call, process, 0, 1, follow: true).Outcome?.Kind == OutcomeKind.PassThrough;
        return whollyReal ? SyscallOutcome.PassThrough : SyscallOutcome.Fail(errno);
    }

    private SyscallOutcome Open(ISyscall call, ProcessFiles process, int dirfdArgument, int pathArgument, int rawFlags, uint mode,
        ResolveFlags resolve = ResolveFlags.None)
    {
        var flags = (OpenFlags)rawFlags;
        bool create = flags.HasFlag(OpenFlags.Create), exclusive = create && flags.HasFlag(OpenFlags.Exclusive);
        bool follow = !flags.HasFlag(OpenFlags.NoFollow) && !exclusive;
        var target = Locate(call, process, dirfdArgument, pathArgument, follow, wantDirectory: flags.HasFlag(OpenFlags.Directory), resolve: resolve);
        if (target.Outcome is { } done)
        {
            bool real = done.Kind is OutcomeKind.PassThrough or OutcomeKind.RedirectPath;
            return real && target.Node is { } path && Mounts.MountsIn(path.Absolute).Any() ? ListWithMountPoints(call, process, path.Absolute, done) : done;
        }
        var node = target.Node!;
        var mount = node.Mount!;
        if ((flags & OpenFlags.TmpFile) == OpenFlags.TmpFile)
        {
            // The kernel looks the directory up first; then no provider makes a file without a name.
            if (!node.Exists) return SyscallOutcome.Fail(Errno.ENOENT);
            return node.Stat.Type == FileType.Directory ? Unsupported(call, Errno.EOPNOTSUPP) : SyscallOutcome.Fail(Errno.ENOTDIR);
        }
        if (create && flags.HasFlag(OpenFlags.Directory)) return SyscallOutcome.Fail(Errno.EINVAL); // as Linux since 6.4
        bool pathOnly = flags.HasFlag(OpenFlags.Path);
        bool writing = flags.CanWrite();

        FileHandle handle;
        FileType type;
        ulong inode = node.Stat.Inode;
        if (!node.Exists)
        {
            if (!create || pathOnly) return SyscallOutcome.Fail(Errno.ENOENT);
            if (node.TrailingSlash) return SyscallOutcome.Fail(Errno.EISDIR);
            if (mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
            var who = Who(call, process);
            var allowed = ParentAllowsChange(node, who, out _);
            if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
            var errno = writable.Create(node.Inside, mode & ~call.Credentials().Umask & 0xFFF, who.Uid, who.Gid, flags, out handle);
            if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
            type = FileType.Regular;
            inode = mount.Provider.GetAttributes(handle, out var created) == Errno.Ok ? created.Inode : 0;
        }
        else
        {
            type = node.Stat.Type;
            if (exclusive) return SyscallOutcome.Fail(Errno.EEXIST);
            if (type == FileType.Symlink && !pathOnly) return SyscallOutcome.Fail(Errno.ELOOP); // O_NOFOLLOW on a symlink
            if (flags.HasFlag(OpenFlags.Directory) && type != FileType.Directory) return SyscallOutcome.Fail(Errno.ENOTDIR);
            if (!pathOnly && type == FileType.Directory && (writing || create)) return SyscallOutcome.Fail(Errno.EISDIR);
            bool truncating = flags.HasFlag(OpenFlags.Truncate) && type == FileType.Regular; // even O_RDONLY, as Linux does
            if (!pathOnly && (writing || truncating) && mount.Writable is null) return SyscallOutcome.Fail(Errno.EROFS);
            int want = pathOnly ? 0 : (flags.CanRead() ? Permissions.Read : 0) | (writing || truncating ? Permissions.Write : 0);
            if (want != 0 && !Permissions.Allows(node.Stat, Who(call, process), want)) return SyscallOutcome.Fail(Errno.EACCES);
            if (flags.HasFlag(OpenFlags.NoAccessTime) && !Permissions.IsOwner(node.Stat, Who(call, process))) return SyscallOutcome.Fail(Errno.EPERM);
            if (!pathOnly && (writing || truncating) && IsRunning(mount, NodeInode(node))) return SyscallOutcome.Fail(Errno.ETXTBSY);
            if (pathOnly)
            {
                handle = new FileHandle(node.Inside, flags); // O_PATH: no open in the provider, nothing to read
            }
            else
            {
                var errno = mount.Provider.Open(node.Inside, flags, out handle);
                if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
                if (truncating)
                {
                    CacheOf(node)?.Resizing(0);
                    errno = mount.Writable!.SetSize(handle, 0);
                    if (errno != Errno.Ok)
                    {
                        mount.Provider.Release(handle);
                        return SyscallOutcome.Fail(errno);
                    }
                    CacheOf(node)?.Resized(0);
                }
            }
        }

        bool closeOnExec = (rawFlags & O_CLOEXEC) != 0;
        var file = new OpenFile(mount, handle, flags & ~(OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.Truncate | OpenFlags.NoCtty | OpenFlags.CloseOnExec), type, node.Absolute)
        {
            Inode = PtFs.Vfs.Mounts.SyntheticInodes.Or(inode, mount, node.Inside),
        };
        long fd;
        try
        {
            fd = call.CreatePlaceholder(closeOnExec);
        }
        catch
        {
            ReleaseHandle(file); // the caller vanished meanwhile: no descriptor will ever hold the handle
            throw;
        }
        if (fd < 0)
        {
            ReleaseHandle(file);
            return SyscallOutcome.Complete(fd);
        }
        process.Fds.Set((int)fd, file, closeOnExec);
        if (fd < VirtualFdFloor) LowDescriptorVirtualized?.Invoke(call, (int)fd); // RLIMIT_NOFILE kept it below the floor
        return SyscallOutcome.Complete(fd);
    }

    /// <summary>
    /// A real directory with mount points inside is opened by the kernel; the VFS remembers the fd (and has it
    /// stop, if it is low) so that getdents64 can add the mount points the disk does not have.
    /// </summary>
    private SyscallOutcome ListWithMountPoints(ISyscall call, ProcessFiles process, string absolute, SyscallOutcome kernel)
    {
        var observed = ObserveThen(call, (exit, result) =>
        {
            if (result < 0) return;
            process.MountListings[(int)result] = new MountListing(absolute);
            if (result < VirtualFdFloor) LowDescriptorVirtualized?.Invoke(exit, (int)result);
        });
        return kernel.Kind == OutcomeKind.PassThrough ? observed : kernel;
    }

    private SyscallOutcome Close(ISyscall call, ProcessFiles process)
    {
        int fd = (int)call.Arg(0);
        process.MountListings.Remove(fd);
        if (process.Fds.TryGet(fd, out _)) Close(process, fd);
        return SyscallOutcome.PassThrough; // the kernel closes the placeholder (or answers EBADF itself)
    }
}
