namespace PtFs.Interceptor;

/// <summary>Where a tracee stands when the handler runs; it decides how injected syscalls are started.</summary>
internal enum InjectionSite
{
    /// <summary>Before the program's syscall ran: the first injection takes that syscall's place.</summary>
    SeccompStop,
    /// <summary>After a syscall returned: injections re-enter the kernel through the program's own syscall instruction.</summary>
    SyscallExit,
    /// <summary>After execve: the old code is gone, so injections go through a syscall instruction of the vDSO.</summary>
    ExecExit,
}
