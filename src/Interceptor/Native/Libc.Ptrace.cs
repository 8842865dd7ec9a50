using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

internal static partial class Libc
{
    // glibc's ptrace is variadic; fixed integer arguments are what the SysV x86_64 ABI passes anyway.
    [LibraryImport(Name, EntryPoint = "ptrace", SetLastError = true)]
    public static partial long ptrace(long request, int pid, nint addr, nint data);

    [LibraryImport(Name, EntryPoint = "waitpid", SetLastError = true)]
    public static unsafe partial int waitpid(int pid, int* status, int options);
}
