namespace PtFs.Interceptor;

/// <summary>
/// The layer above the engine. Called on the tracer thread while the tracee is stopped; return quickly
/// and never block on another tracee. Override only what you need.
/// </summary>
public abstract class SyscallHandler
{
    /// <summary>Which syscalls stop at all. Read once, when the filter is built.</summary>
    public abstract SeccompPolicy Policy { get; }

    /// <summary>A syscall stopped at the seccomp filter.</summary>
    public abstract SyscallAction OnSyscall(SyscallContext context);

    /// <summary>
    /// The exit of a syscall the handler chose to <see cref="SyscallAction.Observe"/> or
    /// <see cref="SyscallAction.Rewrite"/>; returns the result the program gets.
    /// </summary>
    public virtual long OnSyscallExit(SyscallContext context, long result) => result;

    /// <summary>
    /// A process finished execve and stands at its syscall-exit stop with a fresh address space:
    /// the place to inject setup into the new image.
    /// </summary>
    public virtual void OnExec(SyscallContext context) { }

    /// <summary>A traced process (not a thread) came into being.</summary>
    public virtual void OnProcessStart(TracedProcess process) { }

    /// <summary>A traced process is gone; <paramref name="status"/> is how its leader ended.</summary>
    public virtual void OnProcessExit(TracedProcess process, WaitStatus status) { }

    /// <summary>
    /// The copy of a <see cref="SyscallAction.CompleteWithPayload"/> payload (by the stub, or by the tracer when a
    /// signal came before the stub was done) faulted on the program's buffer: the program got
    /// <paramref name="copied"/> bytes (or EFAULT when 0) instead of the result the handler chose, and whatever
    /// the handler counted beyond that did not happen.
    /// </summary>
    public virtual void OnPayloadFault(TracedThread thread, long copied) { }

    /// <summary>A thread died while the handler still awaited its syscall's exit.</summary>
    public virtual void OnSyscallAbandoned(TracedThread thread, SyscallRequest request) { }
}
