using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "process_vm_readv", SetLastError = true)]
    public static unsafe partial nint process_vm_readv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport(Name, EntryPoint = "process_vm_writev", SetLastError = true)]
    public static unsafe partial nint process_vm_writev(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);
}
