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

    [LibraryImport(Name, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);

    [LibraryImport(Name, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport(Name, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Name, EntryPoint = "munmap", SetLastError = true)]
    public static partial int munmap(nint address, nuint length);

    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    public static partial int close(int fd);
}
