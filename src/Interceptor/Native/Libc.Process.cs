using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

internal static partial class Libc
{
    /// <summary>Returns an error number directly; does not set errno.</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn")]
    public static unsafe partial int posix_spawn(int* pid, byte* path, nint fileActions, nint attr, byte** argv, byte** envp);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_init")]
    public static partial int posix_spawnattr_init(nint attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int posix_spawnattr_destroy(nint attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int posix_spawnattr_setflags(nint attr, short flags);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int posix_spawnattr_setsigdefault(nint attr, nint sigset);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int posix_spawnattr_setsigmask(nint attr, nint sigset);

    [LibraryImport(Name, EntryPoint = "sigemptyset")]
    public static partial int sigemptyset(nint set);

    [LibraryImport(Name, EntryPoint = "sigaddset")]
    public static partial int sigaddset(nint set, int signal);

    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Name, EntryPoint = "tgkill", SetLastError = true)]
    public static partial int tgkill(int tgid, int tid, int signal);

    [LibraryImport(Name, EntryPoint = "signal", SetLastError = true)]
    public static partial nint signal(int signal, nint handler);

    [LibraryImport(Name, EntryPoint = "getpid")]
    public static partial int getpid();

    [LibraryImport(Name, EntryPoint = "gettid")]
    public static partial int gettid();

    [LibraryImport(Name, EntryPoint = "prctl", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
