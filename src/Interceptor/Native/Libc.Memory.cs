using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "process_vm_readv", SetLastError = true)]
    public static unsafe partial nint process_vm_readv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport(Name, EntryPoint = "process_vm_writev", SetLastError = true)]
    public static unsafe partial nint process_vm_writev(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport(Name, EntryPoint = "pread64", SetLastError = true)]
    private static unsafe partial nint pread64(SafeHandle fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Name, EntryPoint = "pwrite64", SetLastError = true)]
    private static unsafe partial nint pwrite64(SafeHandle fd, byte* buffer, nuint count, long offset);

    public static unsafe long pread(SafeHandle fd, Span<byte> buffer, long offset)
    {
        fixed (byte* p = buffer) return pread64(fd, p, (nuint)buffer.Length, offset);
    }

    public static unsafe long pwrite(SafeHandle fd, ReadOnlySpan<byte> buffer, long offset)
    {
        fixed (byte* p = buffer) return pwrite64(fd, p, (nuint)buffer.Length, offset);
    }
}
