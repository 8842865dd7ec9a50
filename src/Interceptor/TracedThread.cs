using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>One traced task and what the tracer still owes it.</summary>
public sealed class TracedThread
{
    internal TracedThread(int tid, TracedProcess process)
    {
        Tid = tid;
        Process = process;
    }

    public int Tid { get; internal set; }

    public TracedProcess Process { get; internal set; }

    /// <summary>The syscall this thread is in when the tracer awaits its exit stop.</summary>
    internal PendingExit PendingExit { get; set; }

    /// <summary>The registers of the seccomp stop, to restore after a rewrite or injection.</summary>
    internal UserRegs SavedRegs;

    /// <summary>The program's own seccomp filter refused the poll a lock wait sleeps in: it sleeps in nanosleep.</summary>
    internal bool PollRefused;

    /// <summary>
    /// Where a lock wait sent the thread back to make its syscall again (0 when none is on the way): a signal
    /// delivered before it gets there must interrupt the wait, as it would the kernel's.
    /// </summary>
    internal ulong RetryAt;

    /// <summary>The syscall as the handler saw it at its seccomp stop, for the exit callback.</summary>
    internal SyscallRequest PendingRequest;

    /// <summary>An exec happened; its syscall-exit stop is where the new image can be prepared.</summary>
    internal bool AwaitingExecExit { get; set; }

    /// <summary>
    /// Set when the tracer consumed a syscall's seccomp stop for injections and rewound the tracee to run
    /// the syscall again: the action to apply when that same syscall stops once more.
    /// </summary>
    internal SyscallAction? Replay { get; set; }

    /// <summary>The registers of the syscall <see cref="Replay"/> belongs to, to recognise it when it comes back.</summary>
    internal UserRegs ReplayRegs;

    /// <summary>A handler-visible object per thread for the layer above.</summary>
    public object? Tag { get; set; }

    public override string ToString() => $"thread {Tid} of {Process}";
}

internal enum PendingExit
{
    None,
    Observe,
    Rewrite,
    Retry,
}
