using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// dup, dup2, dup3, fcntl and close_range: the kernel duplicates or closes the placeholders, the table follows.
public sealed partial class VirtualFileSystem
{
    private const int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
    private const int CLOSE_RANGE_CLOEXEC = 4;

    // F_SETFL may change only these; the access mode and creation flags stay.
    private const OpenFlags ChangeableStatusFlags = OpenFlags.Append | OpenFlags.NonBlock | OpenFlags.Direct | OpenFlags.NoAccessTime;

    private void RegisterDescriptors()
    {
        Register(Sys.dup, (c, p) => Duplicate(c, p, closeOnExec: false), fdArgument: 0);
        // dup2 and dup3 always stop: a real fd duplicated onto a virtual number replaces that virtual file.
        Register(Sys.dup2, (c, p) => Duplicate(c, p, closeOnExec: false));
        Register(Sys.dup3, (c, p) => Duplicate(c, p, closeOnExec: ((int)c.Arg(2) & O_CLOEXEC) != 0));
        Register(Sys.fcntl, Fcntl, fdArgument: 0);
        Register(Sys.close_range, CloseRange);
    }

    /// <summary>The kernel makes the copy of the placeholder; the new number then names the same open file.</summary>
    private SyscallOutcome Duplicate(ISyscall call, ProcessFiles process, bool closeOnExec)
    {
        int fd = (int)call.Arg(0);
        if (!process.Fds.TryGet(fd, out var d))
        {
            bool ontoVirtual = call.Number is Sys.dup2 or Sys.dup3 && process.Fds.TryGet((int)call.Arg(1), out _);
            if (!ontoVirtual) return SyscallOutcome.PassThrough;
            int target = (int)call.Arg(1);
            return ObserveThen(call, (_, result) => { if (result == target) Close(process, target); });
        }
        var file = d.File;
        return ObserveThen(call, (exit, result) =>
        {
            if (result < 0 || result == fd) return;
            // dup2/dup3 onto a virtual fd closed that one first.
            if (process.Fds.TryGet((int)result, out _)) Close(process, (int)result);
            file.AddReference();
            process.Fds.Set((int)result, file, closeOnExec);
            if (result < VirtualFdFloor) LowDescriptorVirtualized?.Invoke(exit, (int)result);
        });
    }

    /// <summary>
    /// A virtual file now also answers to a number below the floor (the shell's <c>&lt; file</c>), which the
    /// seccomp filter lets through: whoever installs filters must make that number stop too.
    /// </summary>
    public event Action<ISyscall, int>? LowDescriptorVirtualized;

    private SyscallOutcome Fcntl(ISyscall call, ProcessFiles process)
    {
        int fd = (int)call.Arg(0);
        if (!process.Fds.TryGet(fd, out var d)) return SyscallOutcome.PassThrough;
        int command = (int)call.Arg(1);
        switch (command)
        {
            case F_DUPFD or F_DUPFD_CLOEXEC:
                return Duplicate(call, process, command == F_DUPFD_CLOEXEC);
            case F_GETFD:
                return SyscallOutcome.Complete(d.CloseOnExec ? FD_CLOEXEC : 0);
            case F_SETFD:
                process.Fds.SetCloseOnExec(fd, ((int)call.Arg(2) & FD_CLOEXEC) != 0);
                return SyscallOutcome.PassThrough; // the placeholder's flag must agree: exec closes it
            case F_GETFL:
                return SyscallOutcome.Complete((long)(d.File.Flags | OpenFlags.LargeFile));
            case F_SETFL:
                var requested = (OpenFlags)(int)call.Arg(2);
                d.File.Flags = (d.File.Flags & ~ChangeableStatusFlags) | (requested & ChangeableStatusFlags);
                return SyscallOutcome.Complete(0);
            case var lockCommand when IsLockCommand(lockCommand):
                return RecordLock(call, process, d.File, command);
            default:
                return Unsupported(call, Errno.EINVAL);
        }
    }

    private SyscallOutcome CloseRange(ISyscall call, ProcessFiles process)
    {
        uint first = (uint)call.Arg(0), last = (uint)call.Arg(1);
        bool onlyMark = ((int)call.Arg(2) & CLOSE_RANGE_CLOEXEC) != 0;
        if (first > last) return SyscallOutcome.PassThrough; // EINVAL from the kernel
        return ObserveThen(call, (exit, result) =>
        {
            if (result != 0) return;
            foreach (int fd in process.Fds.Numbers((int)Math.Min(first, int.MaxValue), (int)Math.Min(last, int.MaxValue)))
            {
                if (onlyMark) process.Fds.SetCloseOnExec(fd, true);
                else Close(process, fd);
            }
        });
    }
}
