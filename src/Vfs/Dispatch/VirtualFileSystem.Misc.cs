using System.Buffers.Binary;
using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// The rest of the fd surface: advice, allocation, ioctl, in-kernel copies, and the old time calls.
public sealed partial class VirtualFileSystem
{
    private const uint FIONREAD = 0x541B, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;

    private void RegisterMisc()
    {
        Register(Sys.fadvise64, (c, p) => WithFile(c, p, f => f.Flags.HasFlag(OpenFlags.Path) ? SyscallOutcome.Fail(Errno.EBADF) : SyscallOutcome.Complete(0)), fdArgument: 0);
        Register(Sys.fallocate, (c, p) => WithFile(c, p, f => Allocate(f, (int)c.Arg(1), (long)c.Arg(2), (long)c.Arg(3))), fdArgument: 0);
        Register(Sys.ioctl, (c, p) => WithFile(c, p, f => Ioctl(c, p, f)), fdArgument: 0);
        // In-kernel copies cannot reach a provider; these errnos make cp, cat and friends fall back to read/write.
        // They take two fds, and either may be virtual, so they always stop (a filter checks only one argument).
        AnswerForEither(Sys.copy_file_range, Errno.EXDEV, 0, 2);
        AnswerForEither(Sys.sendfile, Errno.EINVAL, 0, 1);
        AnswerForEither(Sys.splice, Errno.EINVAL, 0, 2);
        // io_uring's reads and writes never pass through a syscall the VFS could see: ENOSYS makes programs
        // (liburing users, newer runtimes) fall back to plain syscalls, as on kernels without it.
        Register(Sys.io_uring_setup, (_, _) => SyscallOutcome.Fail(Errno.ENOSYS), treatment: "refused for every program: ENOSYS (the fallback is plain syscalls, which the VFS sees)");
        // Permission checks use the thread's ids and capabilities, read once: every call that can change
        // them stops, and they are read again after it.
        foreach (int number in new[] { Sys.setuid, Sys.setgid, Sys.setreuid, Sys.setregid, Sys.setgroups, Sys.setresuid, Sys.setresgid, Sys.setfsuid, Sys.setfsgid, Sys.capset })
            Register(number, (c, p) => ObserveThen(c, (_, _) => p.Credentials.Clear()), treatment: "watched: the process's ids are read again");
        Register(Sys.utime, (c, p) => OldTimes(c, Who(c, p), Locate(c, p, -1, 0, true), c.Arg(1), microseconds: false));
        Register(Sys.utimes, (c, p) => OldTimes(c, Who(c, p), Locate(c, p, -1, 0, true), c.Arg(1), microseconds: true));
        Register(Sys.futimesat, (c, p) => OldTimes(c, Who(c, p), Locate(c, p, 0, 1, true), c.Arg(2), microseconds: true));
    }

    /// <summary>
    /// The ioctls the kernel answers for every file (libuv sets close-on-exec with FIOCLEX, shells ask
    /// FIONREAD); anything else is ENOTTY, as for a file on a filesystem without ioctls.
    /// </summary>
    private static SyscallOutcome Ioctl(ISyscall call, ProcessFiles process, OpenFile file)
    {
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        switch ((uint)call.Arg(1))
        {
            case FIOCLEX or FIONCLEX:
                bool closeOnExec = (uint)call.Arg(1) == FIOCLEX;
                long set = call.SetCloseOnExec((int)call.Arg(0), closeOnExec); // the placeholder's flag must agree
                if (set == 0) process.Fds.SetCloseOnExec((int)call.Arg(0), closeOnExec);
                return SyscallOutcome.Complete(set);
            case FIOASYNC:
                return SyscallOutcome.Complete(0);
            case FIONBIO:
                Span<byte> on = stackalloc byte[4];
                if (call.ReadMemory(call.Arg(2), on) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
                file.Flags = BinaryPrimitives.ReadInt32LittleEndian(on) != 0 ? file.Flags | OpenFlags.NonBlock : file.Flags & ~OpenFlags.NonBlock;
                return SyscallOutcome.Complete(0);
            case FIONREAD when file.Type == FileType.Regular:
                var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
                if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
                Span<byte> count = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(count, (int)Math.Clamp(stat.Size - file.Offset, 0, int.MaxValue));
                return call.WriteMemory(call.Arg(2), count) == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(Errno.EFAULT);
            default:
                return SyscallOutcome.Fail(Errno.ENOTTY);
        }
    }

    /// <summary>fallocate: mode 0 grows the file to cover the range (a provider has no other kind of allocation).</summary>
    private SyscallOutcome Allocate(OpenFile file, int mode, long offset, long length)
    {
        if (!file.Flags.CanWrite()) return SyscallOutcome.Fail(Errno.EBADF);
        if (offset < 0 || length <= 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (mode != 0) return SyscallOutcome.Fail(Errno.EOPNOTSUPP);
        if (file.Mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EBADF);
        var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
        if (errno == Errno.Ok && offset + length > stat.Size)
        {
            var cache = CacheOf(file);
            cache?.Resizing(offset + length);
            errno = writable.SetSize(file.Handle, offset + length);
            if (errno == Errno.Ok) cache?.Resized(offset + length);
        }
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    /// <summary>utime (struct utimbuf, seconds) and utimes/futimesat (struct timeval[2]); NULL means now.</summary>
    private static SyscallOutcome OldTimes(ISyscall call, Credentials who, Target target, ulong times, bool microseconds)
    {
        if (target.Outcome is { } done) return done;
        if (MayTouch(who, target, onlyNow: times == 0) is { } refused) return refused;
        UnixTime? access = UnixTime.Now, modify = access;
        if (times != 0)
        {
            var raw = new byte[microseconds ? 32 : 16];
            if (call.ReadMemory(times, raw) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
            UnixTime At(int i) => microseconds
                ? new UnixTime(BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 16)), (uint)(BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 16 + 8)) * 1000))
                : new UnixTime(BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 8)), 0);
            (access, modify) = (At(0), At(1));
        }
        return Change(target, (w, path) => w.SetTimes(path, access, modify), (w, handle) => w.SetTimes(handle, access, modify));
    }
}
