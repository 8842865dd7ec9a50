using System.Runtime.InteropServices;

namespace PtFs.Cli.Mounting;

/// <summary>Whether two processes share one address space (a clone with CLONE_VM: vfork, posix_spawn), as kcmp(2) tells.</summary>
internal static partial class AddressSpaces
{
    private const long SYS_kcmp = 312, KCMP_VM = 1;

    public static bool Shared(int pid, int other) => syscall(SYS_kcmp, pid, other, KCMP_VM, 0, 0) == 0;

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial long syscall(long number, long pid1, long pid2, long type, long idx1, long idx2);
}
