using System.Buffers.Binary;
using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// rename, link, symlink, truncate, modes, owners, times, statfs; exec is refused for now.
public sealed partial class VirtualFileSystem
{
    private const long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2, ST_RDONLY = 1, ST_VALID = 0x20;

    private void RegisterNamespace()
    {
        Register(Sys.rename, (c, p) => Rename(Who(c, p), Locate(c, p, -1, 0, false), Locate(c, p, -1, 1, false), RenameFlags.None));
        Register(Sys.renameat, (c, p) => Rename(Who(c, p), Locate(c, p, 0, 1, false), Locate(c, p, 2, 3, false), RenameFlags.None));
        Register(Sys.renameat2, (c, p) => Rename(Who(c, p), Locate(c, p, 0, 1, false), Locate(c, p, 2, 3, false), (RenameFlags)(int)c.Arg(4)));
        Register(Sys.link, (c, p) => Link(Who(c, p), Locate(c, p, -1, 0, false), Locate(c, p, -1, 1, false)));
        Register(Sys.linkat, (c, p) => Link(Who(c, p), Locate(c, p, 0, 1, ((int)c.Arg(4) & AT_SYMLINK_FOLLOW) != 0, ((int)c.Arg(4) & AT_EMPTY_PATH) != 0), Locate(c, p, 2, 3, false)));
        Register(Sys.symlink, (c, p) => Symlink(c, Who(c, p), c.Arg(0), Locate(c, p, -1, 1, false)));
        Register(Sys.symlinkat, (c, p) => Symlink(c, Who(c, p), c.Arg(0), Locate(c, p, 1, 2, false)));
        Register(Sys.truncate, (c, p) => TruncatePath(Who(c, p), Locate(c, p, -1, 0, true), (long)c.Arg(1)));
        Register(Sys.chmod, (c, p) => SetMode(Who(c, p), Locate(c, p, -1, 0, true), (uint)c.Arg(1)));
        Register(Sys.fchmodat, (c, p) => SetMode(Who(c, p), Locate(c, p, 0, 1, true), (uint)c.Arg(2)));
        Register(Sys.fchmod, (c, p) => SetMode(Who(c, p), FdTarget(c, p), (uint)c.Arg(1)), fdArgument: 0);
        Register(Sys.chown, (c, p) => SetOwner(Who(c, p), Locate(c, p, -1, 0, true), c.Arg(1), c.Arg(2)));
        Register(Sys.lchown, (c, p) => SetOwner(Who(c, p), Locate(c, p, -1, 0, false), c.Arg(1), c.Arg(2)));
        Register(Sys.fchown, (c, p) => SetOwner(Who(c, p), FdTarget(c, p), c.Arg(1), c.Arg(2)), fdArgument: 0);
        Register(Sys.fchownat, (c, p) =>
        {
            int flags = (int)c.Arg(4);
            return SetOwner(Who(c, p), Locate(c, p, 0, 1, (flags & AT_SYMLINK_NOFOLLOW) == 0, (flags & AT_EMPTY_PATH) != 0), c.Arg(2), c.Arg(3));
        });
        Register(Sys.utimensat, UtimensAt);
        Register(Sys.statfs, (c, p) => StatFs(c, Locate(c, p, -1, 0, true), c.Arg(1)));
        Register(Sys.fstatfs, (c, p) => StatFs(c, FdTarget(c, p, pathOnlyAllowed: true), c.Arg(1)), fdArgument: 0);
        // Not served: device nodes, and changing the root.
        Refuse(Sys.mknod, Errno.EPERM, -1, 0);
        Refuse(Sys.mknodat, Errno.EPERM, 0, 1);
        Refuse(Sys.chroot, Errno.EPERM, -1, 0);
        Refuse(Sys.inotify_add_watch, Errno.ENOSYS, -1, 1); // tail -f and friends fall back to polling
        Refuse(Sys.name_to_handle_at, Errno.EOPNOTSUPP, 0, 1);
    }

    /// <summary>The open file behind argument 0; an O_PATH fd gives EBADF unless the call accepts one (fstatfs does).</summary>
    private static Target FdTarget(ISyscall call, ProcessFiles process, bool pathOnlyAllowed = false)
    {
        if (!process.Fds.TryGet((int)call.Arg(0), out var d)) return Target.Done(SyscallOutcome.PassThrough);
        if (!pathOnlyAllowed && d.File.Flags.HasFlag(OpenFlags.Path)) return Target.Done(SyscallOutcome.Fail(Errno.EBADF));
        return new Target(null, d.File, null);
    }

    /// <summary>The mount and path a target names (an open file by the path it was opened with).</summary>
    private static (Mounts.Mount Mount, string Path, bool Exists) Named(Target target) => target.File is { } f
        ? (f.Mount, f.Inside, true)
        : (target.Node!.Mount!, target.Node.Inside, target.Node.Exists);

    private SyscallOutcome Rename(Credentials who, Target from, Target to, RenameFlags flags)
    {
        if (from.Outcome is { Kind: OutcomeKind.Complete } failed) return failed;
        if (to.Outcome is { Kind: OutcomeKind.Complete } failedTo) return failedTo;
        bool fromReal = from.Outcome is not null, toReal = to.Outcome is not null;
        if (fromReal && toReal)
            return from.Outcome!.Value.Kind == OutcomeKind.PassThrough && to.Outcome!.Value.Kind == OutcomeKind.PassThrough
                ? SyscallOutcome.PassThrough
                : SyscallOutcome.Fail(Errno.EXDEV);
        if (fromReal || toReal) return SyscallOutcome.Fail(Errno.EXDEV); // across a mount boundary, as between filesystems
        var (fromMount, fromPath, fromExists) = Named(from);
        var (toMount, toPath, toExists) = Named(to);
        if (!fromExists) return SyscallOutcome.Fail(Errno.ENOENT);
        bool fromIsDirectory = from.File?.Type == FileType.Directory || from.Node?.Stat.Type == FileType.Directory;
        if (!fromIsDirectory && (from.Node?.TrailingSlash == true || (!toExists && to.Node?.TrailingSlash == true)))
            return SyscallOutcome.Fail(Errno.ENOTDIR); // "file/" on either side names a directory that is not there
        if (fromMount != toMount) return SyscallOutcome.Fail(Errno.EXDEV);
        if (fromPath == "/" || toPath == "/") return SyscallOutcome.Fail(Errno.EBUSY);
        if (fromMount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        string fromAbsolute = from.File?.Absolute ?? from.Node!.Absolute, toAbsolute = to.File?.Absolute ?? to.Node!.Absolute;
        if (toExists && SameFile(from, to)) return SyscallOutcome.Complete(0); // two links of one file: rename(2) does nothing
        // Mount points do not move with a directory renamed above them (the kernel's do): refuse, as for a mount point itself.
        if (Mounts.Mounts.Any(m => m != fromMount && (PathText.IsWithin(m.Point, fromAbsolute, out _) || PathText.IsWithin(m.Point, toAbsolute, out _))))
            return SyscallOutcome.Fail(Errno.EBUSY);
        var allowed = MayMove(who, from.Node!, to.Node!);
        if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
        var errno = writable.Rename(fromPath, toPath, flags);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        FollowRename(fromMount, fromAbsolute, toAbsolute, flags.HasFlag(RenameFlags.Exchange));
        return SyscallOutcome.Complete(0);
    }

    private static bool SameFile(Target from, Target to) =>
        from.Node is { } a && to.Node is { } b && a.Stat.Inode != 0 && a.Stat.Inode == b.Stat.Inode && a.Stat.Type != FileType.Directory;

    /// <summary>
    /// A rename moved a virtual path: open files and working directories at or below it move with it (and
    /// with an exchange, those below the other path too), as the kernel's do.
    /// </summary>
    private void FollowRename(Mounts.Mount mount, string from, string to, bool exchange)
    {
        string Moved(string path) =>
            PathText.IsWithin(path, from, out string rest) ? (rest == "/" ? to : to + rest)
            : exchange && PathText.IsWithin(path, to, out rest) ? (rest == "/" ? from : from + rest)
            : path;
        var files = new HashSet<OpenFile>();
        foreach (var process in _processes.Values)
        {
            if (process.VirtualCwd is { } cwd && Mounts.Find(cwd, out _) == mount) process.VirtualCwd = Moved(cwd);
            foreach (int fd in process.Fds.Numbers())
                if (process.Fds.TryGet(fd, out var d) && d.File.Mount == mount) files.Add(d.File);
        }
        foreach (var file in files) file.Absolute = Moved(file.Absolute);
    }

    /// <summary>rename's permission checks: both directories writable, the sticky bit, and a directory that changes parent writable itself.</summary>
    private static Errno MayMove(Credentials who, Resolution from, Resolution to)
    {
        var errno = ParentAllowsChange(from, who, out var fromParent);
        if (errno == Errno.Ok) errno = ParentAllowsChange(to, who, out var toParent);
        if (errno != Errno.Ok) return errno;
        if (!Permissions.MayDelete(fromParent, from.Stat, who)) return Errno.EPERM;
        if (to.Exists && to.Mount!.Provider.GetAttributes(PathText.Parent(to.Inside), out var parent) == Errno.Ok && !Permissions.MayDelete(parent, to.Stat, who))
            return Errno.EPERM;
        bool movesDirectory = from.Stat.Type == FileType.Directory && PathText.Parent(from.Inside) != PathText.Parent(to.Inside);
        return movesDirectory && !Permissions.Allows(from.Stat, who, Permissions.Write) ? Errno.EACCES : Errno.Ok;
    }

    private static SyscallOutcome Link(Credentials who, Target existing, Target link)
    {
        // linkat looks the old path up completely before it looks at the new one.
        if (existing.Outcome is { Kind: OutcomeKind.Complete } failed) return failed;
        if (existing.Outcome is null && !Named(existing).Exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (link.Outcome is { Kind: OutcomeKind.Complete } failedLink) return failedLink;
        if (existing.Outcome is { } a && link.Outcome is { } b)
            return a.Kind == OutcomeKind.PassThrough && b.Kind == OutcomeKind.PassThrough ? SyscallOutcome.PassThrough : SyscallOutcome.Fail(Errno.EXDEV);
        if (existing.Outcome is not null || link.Outcome is not null) return SyscallOutcome.Fail(Errno.EXDEV);
        var (fromMount, fromPath, fromExists) = Named(existing);
        var (toMount, toPath, toExists) = Named(link);
        if (!fromExists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (toExists) return SyscallOutcome.Fail(Errno.EEXIST);
        if (link.Node?.TrailingSlash == true) return SyscallOutcome.Fail(Errno.ENOENT);
        if (fromMount != toMount) return SyscallOutcome.Fail(Errno.EXDEV);
        if (fromMount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        if (AttributesOf(existing, out var source, out _) == Errno.Ok && !Permissions.MayLink(source, who)) return SyscallOutcome.Fail(Errno.EPERM);
        var allowed = ParentAllowsChange(link.Node!, who, out _);
        if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
        var errno = writable.Link(fromPath, toPath);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    private static SyscallOutcome Symlink(ISyscall call, Credentials who, ulong targetAddress, Target link)
    {
        if (link.Outcome is { } done) return done;
        if (call.ReadPath(targetAddress, out string linkTarget) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        if (linkTarget.Length == 0) return SyscallOutcome.Fail(Errno.ENOENT);
        var (mount, path, exists) = Named(link);
        if (exists) return SyscallOutcome.Fail(Errno.EEXIST);
        if (link.Node?.TrailingSlash == true) return SyscallOutcome.Fail(Errno.ENOENT);
        if (mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        var allowed = ParentAllowsChange(link.Node!, who, out _);
        if (allowed != Errno.Ok) return SyscallOutcome.Fail(allowed);
        var errno = writable.Symlink(linkTarget, path, who.Uid, who.Gid);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    private SyscallOutcome TruncatePath(Credentials who, Target target, long size)
    {
        if (target.Outcome is { } done) return done;
        var node = target.Node!;
        if (!node.Exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (node.Stat.Type == FileType.Directory) return SyscallOutcome.Fail(Errno.EISDIR);
        if (size < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (node.Mount!.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        if (!Permissions.Allows(node.Stat, who, Permissions.Write)) return SyscallOutcome.Fail(Errno.EACCES);
        if (IsRunning(node.Mount, NodeInode(node))) return SyscallOutcome.Fail(Errno.ETXTBSY);
        var cache = CacheOf(node);
        cache?.Resizing(size);
        var errno = writable.SetSize(node.Inside, size);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        cache?.Resized(size);
        return SyscallOutcome.Complete(0);
    }

    /// <summary>chmod: the owner or root only (EPERM); set-group-id is dropped for an owner outside the file's group.</summary>
    private static SyscallOutcome SetMode(Credentials who, Target target, uint mode)
    {
        const uint SetGroupId = 0x400; // 02000
        if (Permitted(target, stat => Permissions.IsOwner(stat, who)) is { } refused) return refused;
        if (!who.KeepsSetId && target.Outcome is null && AttributesOf(target, out var stat, out _) == Errno.Ok && !who.InGroup(stat.Gid))
            mode &= ~SetGroupId;
        return Change(target, (w, path) => w.SetMode(path, mode & 0xFFF), (w, handle) => w.SetMode(handle, mode & 0xFFF));
    }

    /// <summary>
    /// chown: root changes anything; others may leave the owner as it is, and the owner may move the group to
    /// one of its own (EPERM otherwise), as chown_ok and chgrp_ok decide.
    /// </summary>
    private static SyscallOutcome SetOwner(Credentials who, Target target, ulong uid, ulong gid)
    {
        bool Allowed(FileStat stat)
        {
            if (who.MayChown) return true;
            bool owner = who.Uid == stat.Uid;
            bool uidOk = (uint)uid == uint.MaxValue || (owner && (uint)uid == stat.Uid);
            bool gidOk = (uint)gid == uint.MaxValue || (owner && ((uint)gid == stat.Gid || who.InGroup((uint)gid)));
            return uidOk && gidOk;
        }
        return Permitted(target, Allowed) ??
            Change(target, (w, path) => w.SetOwner(path, (uint)uid, (uint)gid), (w, handle) => w.SetOwner(handle, (uint)uid, (uint)gid));
    }

    /// <summary>EPERM when <paramref name="allowed"/> says no for the target's attributes; null to go on.</summary>
    private static SyscallOutcome? Permitted(Target target, Func<FileStat, bool> allowed)
    {
        if (target.Outcome is not null) return null;
        return AttributesOf(target, out var stat, out _) == Errno.Ok && !allowed(stat) ? SyscallOutcome.Fail(Errno.EPERM) : null;
    }

    /// <summary>
    /// chmod, chown and utimens on a virtual node: the provider changes it, or it is read-only. Through an
    /// open fd (not O_PATH) the change follows the open node, wherever its name went since.
    /// </summary>
    private static SyscallOutcome Change(Target target, Func<IWritableFileSystemProvider, string, Errno> byPath,
        Func<IWritableFileSystemProvider, FileHandle, Errno> byHandle)
    {
        if (target.Outcome is { } done) return done;
        var (mount, path, exists) = Named(target);
        if (!exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        var errno = target.File is { } file && !file.Flags.HasFlag(OpenFlags.Path) ? byHandle(writable, file.Handle) : byPath(writable, path);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    /// <summary>utimensat(dirfd, path or NULL, times or NULL, flags): NULL path means the dirfd itself.</summary>
    private SyscallOutcome UtimensAt(ISyscall call, ProcessFiles process)
    {
        int flags = (int)call.Arg(3);
        var target = call.Arg(1) == 0
            ? process.Fds.TryGet((int)call.Arg(0), out var d) ? new Target(null, d.File, null) : Target.Done(SyscallOutcome.PassThrough)
            : Locate(call, process, 0, 1, (flags & AT_SYMLINK_NOFOLLOW) == 0, (flags & AT_EMPTY_PATH) != 0);
        if (target.Outcome is { } done) return done;
        UnixTime? access = UnixTime.Now, modify = access;
        bool onlyNow = true;
        if (call.Arg(2) != 0)
        {
            Span<byte> times = stackalloc byte[32];
            if (call.ReadMemory(call.Arg(2), times) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
            if (!TryTime(times[..16], access.Value, out access) || !TryTime(times[16..], modify.Value, out modify))
                return SyscallOutcome.Fail(Errno.EINVAL);
            if (access is null && modify is null) return SyscallOutcome.Complete(0); // both UTIME_OMIT: nothing to check or do
            onlyNow = IsNow(times[..16]) && IsNow(times[16..]);
        }
        if (MayTouch(Who(call, process), target, onlyNow) is { } refused) return refused;
        return Change(target, (w, path) => w.SetTimes(path, access, modify), (w, handle) => w.SetTimes(handle, access, modify));
    }

    private static bool IsNow(ReadOnlySpan<byte> timespec) => BinaryPrimitives.ReadInt64LittleEndian(timespec[8..]) == UTIME_NOW;

    /// <summary>
    /// Setting times: the owner (or root) may set any; setting both to now (or NULL) is also allowed to
    /// whoever may write the file (EACCES), anything else is the owner's (EPERM).
    /// </summary>
    private static SyscallOutcome? MayTouch(Credentials who, Target target, bool onlyNow)
    {
        if (target.Outcome is not null || AttributesOf(target, out var stat, out _) != Errno.Ok || Permissions.IsOwner(stat, who)) return null;
        if (!onlyNow) return SyscallOutcome.Fail(Errno.EPERM);
        return Permissions.Allows(stat, who, Permissions.Write) ? null : SyscallOutcome.Fail(Errno.EACCES);
    }

    /// <summary>A struct timespec of utimensat: UTIME_NOW, UTIME_OMIT (null), or a time; false when invalid.</summary>
    private static bool TryTime(ReadOnlySpan<byte> timespec, UnixTime now, out UnixTime? time)
    {
        long seconds = BinaryPrimitives.ReadInt64LittleEndian(timespec), nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(timespec[8..]);
        time = nanoseconds switch
        {
            UTIME_NOW => now,
            UTIME_OMIT => null,
            _ => new UnixTime(seconds, (uint)nanoseconds),
        };
        return nanoseconds is UTIME_NOW or UTIME_OMIT or (>= 0 and < 1_000_000_000);
    }

    private static SyscallOutcome StatFs(ISyscall call, Target target, ulong buffer)
    {
        if (target.Outcome is { } done) return done;
        var (mount, _, exists) = Named(target);
        if (!exists) return SyscallOutcome.Fail(Errno.ENOENT);
        var errno = mount.Provider.GetFileSystemStats(out var s);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        // struct statfs (x86_64, 120 bytes): type, bsize, blocks, bfree, bavail, files, ffree, fsid[2], namelen, frsize, flags, spare[4].
        Span<byte> image = stackalloc byte[120];
        image.Clear();
        long[] fields = [s.Type, s.BlockSize, s.TotalBlocks, s.FreeBlocks, s.FreeBlocks, s.TotalInodes, s.FreeInodes, (long)mount.Device, s.MaxNameLength, s.BlockSize, ST_VALID | (mount.Writable is null ? ST_RDONLY : 0)];
        for (int i = 0; i < fields.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(image[(i * 8)..], fields[i]);
        return call.WriteMemory(buffer, image) == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(Errno.EFAULT);
    }
}
