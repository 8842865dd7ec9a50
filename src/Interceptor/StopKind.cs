namespace PtFs.Interceptor;

/// <summary>Why a tracee stopped; every stop the tracer handles is counted under one of these.</summary>
public enum StopKind
{
    /// <summary>The seccomp filter returned TRACE: the one stop a virtualized syscall should cost.</summary>
    Seccomp,
    /// <summary>A syscall-exit stop, taken to observe a result, restore rewritten registers, or after exec.</summary>
    SyscallExit,
    /// <summary>A signal on its way to the tracee.</summary>
    Signal,
    /// <summary>Job control: the tracee's thread group stopped.</summary>
    GroupStop,
    /// <summary>fork, vfork, clone, exec and other ptrace events, and a new tracee's first stop.</summary>
    Event,
    /// <summary>Stops spent running syscalls the tracer injected.</summary>
    Injection,
}
