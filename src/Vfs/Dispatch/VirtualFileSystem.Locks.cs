using System.Buffers.Binary;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Locks;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// Advisory locks on virtual files: flock(2) and fcntl(2)'s POSIX and OFD record locks, with the kernel's
// conflicts, and waits that signals can interrupt.
public sealed partial class VirtualFileSystem
{
    private const int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    private const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    private const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;

    // How long a blocked lock call sleeps before it asks again.
    private const int LockRetryMilliseconds = 5;

    private readonly LockTable _recordLocks = new();
    private readonly LockTable _flocks = new();
    // A waiter asks again every few milliseconds: a wait not renewed for this long was given up.
    private readonly LockWaits _lockWaits = new(TimeSpan.FromSeconds(2));

    private void RegisterLocks()
    {
        Register(Sys.flock, (c, p) => WithFile(c, p, f => Flock(c, f)), fdArgument: 0);
    }

    private static bool IsLockCommand(int command) => command is F_GETLK or F_SETLK or F_SETLKW or F_OFD_GETLK or F_OFD_SETLK or F_OFD_SETLKW;

    /// <summary>flock(2): a shared or exclusive lock on the whole file, owned by the open file description.</summary>
    private SyscallOutcome Flock(ISyscall call, OpenFile file)
    {
        int operation = (int)call.Arg(1);
        if ((operation & LOCK_MAND) != 0) return SyscallOutcome.Complete(0); // Linux ignores mandatory flock since 5.15
        var type = (operation & ~LOCK_NB) switch
        {
            LOCK_SH => LockType.Read,
            LOCK_EX => LockType.Write,
            LOCK_UN => LockType.Unlock,
            _ => (LockType?)null,
        };
        if (type is not { } wanted) return SyscallOutcome.Fail(Errno.EINVAL);
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        var identity = LockIdentity(file);
        // A conversion drops the old lock first, so it can fail having lost it, as on Linux.
        _flocks.Set(identity, file, call.Pid, LockType.Unlock, 0, LockTable.EndOfFile);
        if (wanted == LockType.Unlock) return SyscallOutcome.Complete(0);
        if (_flocks.FindConflict(identity, file, wanted == LockType.Write, 0, LockTable.EndOfFile) is not null)
            return (operation & LOCK_NB) != 0 ? SyscallOutcome.Fail(Errno.EAGAIN) : SyscallOutcome.WaitAndRetry(LockRetryMilliseconds);
        _flocks.Set(identity, file, call.Pid, wanted, 0, LockTable.EndOfFile);
        return SyscallOutcome.Complete(0);
    }

    /// <summary>
    /// fcntl's record locks (struct flock: type, whence, start, len, pid). POSIX locks belong to the process
    /// and OFD locks to the open file description; the two kinds conflict with each other.
    /// </summary>
    private SyscallOutcome RecordLock(ISyscall call, ProcessFiles process, OpenFile file, int command)
    {
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        Span<byte> raw = stackalloc byte[32];
        if (call.ReadMemory(call.Arg(2), raw) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        bool getting = command is F_GETLK or F_OFD_GETLK, openFileOwned = command is F_OFD_GETLK or F_OFD_SETLK or F_OFD_SETLKW;
        // The kernel's order: the type, the range, the access mode (setting), then an OFD lock's l_pid.
        var type = BinaryPrimitives.ReadInt16LittleEndian(raw) switch { F_RDLCK => LockType.Read, F_WRLCK => LockType.Write, F_UNLCK when !getting => LockType.Unlock, _ => (LockType?)null };
        if (type is not { } wanted) return SyscallOutcome.Fail(Errno.EINVAL);
        var range = LockRange(file, BinaryPrimitives.ReadInt16LittleEndian(raw[2..]), BinaryPrimitives.ReadInt64LittleEndian(raw[8..]), BinaryPrimitives.ReadInt64LittleEndian(raw[16..]));
        if (range.Error != Errno.Ok) return SyscallOutcome.Fail(range.Error);
        if (!getting && ((wanted == LockType.Read && !file.Flags.CanRead()) || (wanted == LockType.Write && !file.Flags.CanWrite())))
            return SyscallOutcome.Fail(Errno.EBADF);
        if (openFileOwned && BinaryPrimitives.ReadInt32LittleEndian(raw[24..]) != 0) return SyscallOutcome.Fail(Errno.EINVAL);
        object owner = openFileOwned ? file : new ProcessLockOwner(call.Pid);
        var identity = LockIdentity(file);
        _lockWaits.Stopped(new ProcessLockOwner(call.Pid)); // whatever it waited for before, it asks anew now

        var conflict = wanted == LockType.Unlock ? null : _recordLocks.FindConflict(identity, owner, wanted == LockType.Write, range.Start, range.End);
        if (getting)
        {
            WriteHolder(raw, conflict);
            return call.WriteMemory(call.Arg(2), raw) == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(Errno.EFAULT);
        }
        if (conflict is not null)
        {
            if (command is not (F_SETLKW or F_OFD_SETLKW)) return SyscallOutcome.Fail(Errno.EAGAIN);
            if (owner is ProcessLockOwner waiter && conflict.Owner is ProcessLockOwner holder)
                return _lockWaits.WouldDeadlock(waiter, holder) ? SyscallOutcome.Fail(Errno.EDEADLK) : SyscallOutcome.WaitAndRetry(LockRetryMilliseconds);
            return SyscallOutcome.WaitAndRetry(LockRetryMilliseconds);
        }
        _recordLocks.Set(identity, owner, openFileOwned ? -1 : process.Pid, wanted, range.Start, range.End);
        return SyscallOutcome.Complete(0);
    }

    /// <summary>struct flock's whence/start/len as an inclusive byte range, with the kernel's EINVAL and EOVERFLOW.</summary>
    private static (Errno Error, long Start, long End) LockRange(OpenFile file, short whence, long start, long length)
    {
        long from;
        switch (whence)
        {
            case 0: from = 0; break;
            case 1: from = file.Offset; break;
            case 2:
                var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
                if (errno != Errno.Ok) return (errno, 0, 0);
                from = stat.Size;
                break;
            default: return (Errno.EINVAL, 0, 0);
        }
        if (start > LockTable.EndOfFile - from) return (Errno.EOVERFLOW, 0, 0);
        from += start;
        if (from < 0) return (Errno.EINVAL, 0, 0);
        if (length > 0)
            return length - 1 > LockTable.EndOfFile - from ? (Errno.EOVERFLOW, 0, 0) : (Errno.Ok, from, from + length - 1);
        if (length < 0)
            return from + length < 0 ? (Errno.EINVAL, 0, 0) : (Errno.Ok, from + length, from - 1);
        return (Errno.Ok, from, LockTable.EndOfFile);
    }

    /// <summary>F_GETLK's answer: the lock in the way (its pid, -1 for an OFD lock), or F_UNLCK and the rest untouched.</summary>
    private static void WriteHolder(Span<byte> raw, RangeLock? holder)
    {
        if (holder is null)
        {
            BinaryPrimitives.WriteInt16LittleEndian(raw, F_UNLCK);
            return;
        }
        BinaryPrimitives.WriteInt16LittleEndian(raw, holder.Exclusive ? F_WRLCK : F_RDLCK);
        BinaryPrimitives.WriteInt16LittleEndian(raw[2..], 0); // SEEK_SET
        BinaryPrimitives.WriteInt64LittleEndian(raw[8..], holder.Start);
        BinaryPrimitives.WriteInt64LittleEndian(raw[16..], holder.End == LockTable.EndOfFile ? 0 : holder.End - holder.Start + 1);
        BinaryPrimitives.WriteInt32LittleEndian(raw[24..], holder.Pid);
    }

    /// <summary>The open file description's last descriptor is gone: its OFD and flock locks go with it.</summary>
    private void ReleaseLocksOf(OpenFile file)
    {
        if (_recordLocks.Holds(file)) _recordLocks.Release(file);
        if (_flocks.Holds(file)) _flocks.Release(file);
    }

    /// <summary>The file every path and descriptor to it agree on: its inode as stat reports it.</summary>
    private static LockedFile LockIdentity(OpenFile file)
    {
        ulong inode = file.Mount.Provider.GetAttributes(file.Handle, out var stat) == Errno.Ok ? stat.Inode : 0;
        return new LockedFile(file.Mount.Device, SyntheticInodes.Or(inode, file.Mount, file.Inside));
    }
}
