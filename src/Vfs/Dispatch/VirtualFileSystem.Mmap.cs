using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// mmap of a virtual fd: the kernel maps a snapshot of the file's bytes that the tracer hands the process.
public sealed partial class VirtualFileSystem
{
    private const int PROT_WRITE = 2, MAP_SHARED = 1, MAP_TYPE = 0xF, MAP_ANONYMOUS = 0x20;

    private void RegisterMmap()
    {
        Register(Sys.mmap, (c, p) => p.Fds.TryGet((int)c.Arg(4), out var d) ? Map(c, d.File) : SyscallOutcome.PassThrough, fdArgument: 4,
            treatment: "served: private mappings (and read-only shared ones) of a snapshot; writable shared mappings ENODEV");
    }

    /// <summary>
    /// The file's bytes go to a memfd the process maps in its place: what a private mapping (ld.so loading
    /// a library, python's mmap) sees is the file as it is now, and touching beyond its end is SIGBUS as on
    /// disk. A shared writable mapping would need its writes carried back to the provider: not served yet.
    /// </summary>
    private SyscallOutcome Map(ISyscall call, OpenFile file)
    {
        int protection = (int)call.Arg(2), flags = (int)call.Arg(3);
        if ((flags & MAP_ANONYMOUS) != 0) return SyscallOutcome.PassThrough; // the fd is ignored
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        if (file.Type != FileType.Regular) return SyscallOutcome.Fail(Errno.ENODEV);
        if (!file.Flags.CanRead()) return SyscallOutcome.Fail(Errno.EACCES);
        bool shared = (flags & MAP_TYPE) is MAP_SHARED or 3; // MAP_SHARED, MAP_SHARED_VALIDATE
        if (shared && (protection & PROT_WRITE) != 0)
            return file.Flags.CanWrite() ? Unsupported(call, Errno.ENODEV) : SyscallOutcome.Fail(Errno.EACCES);
        var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        var key = SnapshotKey.Of(file.Mount, file.Inside, stat);
        long offset = (long)call.Arg(5), length = (long)call.Arg(1);
        if ((offset & 4095) != 0 || length == 0) return SyscallOutcome.Fail(Errno.EINVAL);
        long fd = call.ShareSnapshot(key, stat.Size, (at, buffer) => ReadFully(file.Mount, file.Handle, at, buffer), offset, offset > long.MaxValue - length ? long.MaxValue : offset + length);
        return fd < 0 ? SyscallOutcome.Fail(fd == -(long)Errno.ENOMEM ? Errno.ENOMEM : Errno.ENODEV) : SyscallOutcome.SubstituteFd(4, fd);
    }

    private static int ReadFully(Mounts.Mount mount, FileHandle handle, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            var errno = mount.Provider.Read(handle, offset + total, buffer[total..], out int n);
            if (errno != Errno.Ok) throw new FsException(errno, $"reading {handle.Path} for a snapshot: {errno}");
            Checked(n, buffer.Length - total, handle);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Which snapshot of a file's bytes is current: the same file, unchanged since.</summary>
    private readonly record struct SnapshotKey(ulong Device, ulong Inode, long Size, UnixTime Modified, UnixTime Changed)
    {
        public static SnapshotKey Of(PtFs.Vfs.Mounts.Mount mount, string inside, in FileStat stat) =>
            new(mount.Device, PtFs.Vfs.Mounts.SyntheticInodes.Or(stat.Inode, mount, inside), stat.Size, stat.ModifyTime, stat.ChangeTime);
    }
}
