using PtFs.Interceptor;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>Puts the VFS behind the tracer: trapped syscalls go to it, its outcomes become tracer actions.</summary>
internal sealed class VfsSyscallHandler : SyscallHandler
{
    private readonly VirtualFileSystem _vfs;
    private const int SYS_close = 3, SYS_execve = 59, SYS_execveat = 322, SYS_prctl = 157, PR_SET_NAME = 15;
    private readonly Placeholders _placeholders = new();
    private readonly Snapshots _snapshots = new();

    public TransportCounters Moved { get; } = new();

    // Fds given to a syscall in place of a virtual one (SubstituteFd, Execute), closed when that syscall
    // returns, by thread. The syscall is named: a signal handler's own syscalls may return first.
    private readonly Dictionary<int, (int Pid, long Fd, int Number)> _closeAtExit = [];

    // Low fd numbers each process already has a filter for: filters are inherited by fork and survive exec.
    private readonly Dictionary<int, HashSet<int>> _trappedLowFds = [];

    public VfsSyscallHandler(VirtualFileSystem vfs)
    {
        _vfs = vfs;
        Policy = new SeccompPolicy(vfs.PathSyscalls, vfs.FdSyscalls, VirtualFileSystem.VirtualFdFloor);
        vfs.LowDescriptorVirtualized += TrapLowDescriptor;
        vfs.SharedMappingMade += call => ((TraceeSyscall)call).Context.InstallFilter(SeccompFilterBuilder.BuildForSyscalls(vfs.OnDemandSyscalls), allThreads: true);
    }

    public override SeccompPolicy Policy { get; }

    public override SyscallAction OnSyscall(SyscallContext context)
    {
        var outcome = _vfs.Handle(Call(context));
        return outcome.Kind switch
        {
            OutcomeKind.PassThrough => SyscallAction.Continue,
            OutcomeKind.Complete => SyscallAction.Complete(outcome.Result),
            OutcomeKind.CompleteWithPayload => Payload(outcome),
            OutcomeKind.Observe => SyscallAction.Observe,
            OutcomeKind.RedirectPath => Redirect(context, (int)outcome.Result, outcome.Path!),
            OutcomeKind.WaitAndRetry => SyscallAction.WaitAndRetry((int)outcome.Result),
            OutcomeKind.SubstituteFd => Substitute(context, (int)outcome.Result, (long)outcome.Destination),
            OutcomeKind.Execute => ProgramLauncher.Execute(context, outcome.Exec!, CloseAtExit),
            _ => throw new InvalidOperationException($"unknown outcome {outcome.Kind}"),
        };
    }

    public override long OnSyscallExit(SyscallContext context, long result)
    {
        if (_closeAtExit.TryGetValue(context.Tid, out var substitute) && IsSubstituted(context, substitute.Number))
        {
            _closeAtExit.Remove(context.Tid);
            context.Inject(SYS_close, (ulong)substitute.Fd);
        }
        return _vfs.HandleExit(Call(context), result);
    }

    public override void OnExec(SyscallContext context)
    {
        // An exec that succeeded closed the close-on-exec fds it was given; its thread may have changed tid.
        foreach (var (tid, pending) in _closeAtExit.ToList()) if (pending.Pid == context.Pid) _closeAtExit.Remove(tid);
        _vfs.ProcessExecuted(context.Pid);
        if (_vfs.VirtualExeOf(context.Pid) is { } program) NameAfter(context, program);
        _placeholders.Forget(context.Pid); // the template was close-on-exec
    }

    public override void OnProcessStart(TracedProcess process)
    {
        _vfs.ProcessStarted(process.Pid, process.Parent?.Pid, process.Parent is { } creator && AddressSpaces.Shared(creator.Pid, process.Pid));
        if (process.Parent is { } forkedFrom) _placeholders.Forked(forkedFrom.Pid, process.Pid);
        if (process.Parent is { } parent && _trappedLowFds.TryGetValue(parent.Pid, out var inherited)) _trappedLowFds[process.Pid] = [.. inherited];
    }

    public override void OnProcessExit(TracedProcess process, WaitStatus status)
    {
        _vfs.ProcessExited(process.Pid);
        _placeholders.Forget(process.Pid);
        _trappedLowFds.Remove(process.Pid);
    }

    public override void OnSyscallAbandoned(TracedThread thread, SyscallRequest request)
    {
        _closeAtExit.Remove(thread.Tid); // the fd was close-on-exec, and a dead thread's process closes its own
        _vfs.Abandon(thread.Tid);
    }

    public override void OnPayloadFault(TracedThread thread, long copied) => _vfs.PayloadFaulted(thread.Tid, copied);

    /// <summary>
    /// A virtual file got a number below the floor (dup2 onto stdin): a filter for exactly that number is
    /// stacked on the process, in all its threads, so its reads and writes stop too.
    /// </summary>
    private void TrapLowDescriptor(ISyscall call, int fd)
    {
        if (!_trappedLowFds.TryGetValue(call.Pid, out var trapped)) _trappedLowFds[call.Pid] = trapped = [];
        if (!trapped.Add(fd)) return;
        var program = SeccompFilterBuilder.BuildForDescriptor(Policy.FdSyscalls, fd);
        long result = ((TraceeSyscall)call).Context.InstallFilter(program, allThreads: true);
        if (result != 0) trapped.Remove(fd);
    }

    /// <summary>
    /// A program run from a mount runs from a memfd, which would name the process "memfd:...": it gets its
    /// own name back (what ps, pgrep and killall match), as the kernel names any process it execs.
    /// </summary>
    private static void NameAfter(SyscallContext context, string program)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(program));
        var comm = new byte[16]; // TASK_COMM_LEN, with its NUL
        name.AsSpan(0, Math.Min(name.Length, 15)).CopyTo(comm);
        ulong scratch = context.StackScratch(comm.Length);
        if (context.WriteMemory(scratch, comm) == comm.Length) context.Inject(SYS_prctl, PR_SET_NAME, scratch);
    }

    private TraceeSyscall Call(SyscallContext context) => new(context, _placeholders, _snapshots, Moved);

    private SyscallAction Payload(SyscallOutcome outcome)
    {
        Moved.SharedRegion += outcome.Length;
        return SyscallAction.CompleteWithPayload(outcome.Result, outcome.Destination, outcome.Length);
    }

    private void CloseAtExit(SyscallContext context, long fd, int number) => _closeAtExit[context.Tid] = (context.Pid, fd, number);

    /// <summary>Whether this exit is the one of the syscall the fd was substituted into (the program's mmap or execve).</summary>
    private static bool IsSubstituted(SyscallContext context, int substituted) =>
        context.Number == substituted || (substituted == SYS_execveat && context.Number == SYS_execve);

    /// <summary>The same syscall with one fd argument replaced by an fd of the process's own, closed at its exit.</summary>
    private SyscallAction Substitute(SyscallContext context, int argument, long fd)
    {
        CloseAtExit(context, fd, context.Number);
        Span<ulong> args = stackalloc ulong[6];
        for (int i = 0; i < 6; i++) args[i] = context.Request[i];
        args[argument] = (ulong)fd;
        return SyscallAction.Rewrite(context.Number, args);
    }

    /// <summary>The same syscall with one path argument replaced by a string written below the stack.</summary>
    private static SyscallAction Redirect(SyscallContext context, int argument, string absolute)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(absolute + "\0");
        ulong address = context.StackScratch(bytes.Length);
        if (context.WriteMemory(address, bytes) != bytes.Length) return SyscallAction.Fail(14 /* EFAULT */);
        Span<ulong> args = stackalloc ulong[6];
        for (int i = 0; i < 6; i++) args[i] = context.Request[i];
        args[argument] = address;
        return SyscallAction.Rewrite(context.Number, args);
    }
}
