namespace PtFs.Interceptor.Native;

/// <summary>Kernel constants used by the tracer, with the kernel's names.</summary>
internal static class Constants
{
    // wait(2)
    public const int WNOHANG = 1;
    public const int __WNOTHREAD = 0x20000000;
    public const int __WALL = 0x40000000;

    // ptrace events (status >> 16)
    public const int PTRACE_EVENT_FORK = 1;
    public const int PTRACE_EVENT_VFORK = 2;
    public const int PTRACE_EVENT_CLONE = 3;
    public const int PTRACE_EVENT_EXEC = 4;
    public const int PTRACE_EVENT_SECCOMP = 7;
    public const int PTRACE_EVENT_STOP = 128;

    // ptrace options
    public const int PTRACE_O_TRACESYSGOOD = 1;
    public const int PTRACE_O_TRACEFORK = 1 << 1;
    public const int PTRACE_O_TRACEVFORK = 1 << 2;
    public const int PTRACE_O_TRACECLONE = 1 << 3;
    public const int PTRACE_O_TRACEEXEC = 1 << 4;
    public const int PTRACE_O_TRACESECCOMP = 1 << 7;
    public const int PTRACE_O_EXITKILL = 1 << 20;

    // signals
    public const int SIGTRAP = 5, SIGBUS = 7, SIGKILL = 9, SIGSEGV = 11, SIGPIPE = 13;
    public const int SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    // posix_spawn
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int PosixSpawnAttrSize = 336;
    public const int SigSetSize = 128;

    // prctl / seccomp
    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const uint SECCOMP_SET_MODE_FILTER = 1;
    public const uint AUDIT_ARCH_X86_64 = 0xC000003E;
    public const uint SECCOMP_RET_ERRNO = 0x00050000;
    public const uint SECCOMP_RET_TRACE = 0x7ff00000;
    public const uint SECCOMP_RET_ALLOW = 0x7fff0000;

    // memfd, mmap, open
    public const uint MFD_CLOEXEC = 1;
    public const int SYS_clone = 56, SYS_clone3 = 435;
    public const uint CLONE_UNTRACED = 0x00800000;
    public const int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_SHARED = 1, MAP_FIXED_NOREPLACE = 0x100000;
    public const int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100;

    // errno values the tracer itself branches on
    public const int EPERM = 1, ESRCH = 3, EINTR = 4, EIO = 5, ECHILD = 10, EFAULT = 14, ENOSYS = 38;

    // -ERESTARTSYS .. -ERESTART_RESTARTBLOCK, seen only by tracers
    public const long ERESTARTSYS = 512, ERESTART_RESTARTBLOCK = 516;
}
