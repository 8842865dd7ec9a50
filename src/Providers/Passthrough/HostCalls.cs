using System.Runtime.InteropServices;

namespace PtFs.Providers.Passthrough;

/// <summary>
/// The libc calls the passthrough provider needs and the BCL lacks: *at calls relative to directory fds,
/// openat2 with RESOLVE_BENEATH, stat with inode, links and nanoseconds. Each returns -1 and sets errno.
/// </summary>
internal static unsafe partial class HostCalls
{
    public const int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;
    public const int O_RDONLY = 0, O_ACCMODE = 3, O_CREAT = 0x40, O_EXCL = 0x80, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000,
        O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08, RESOLVE_NO_MAGICLINKS = 0x02;
    private const long SYS_openat2 = 437;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags, Mode, Resolve;
    }

    /// <summary>openat2 that never leaves <paramref name="dirfd"/>'s tree and follows no symlink on the way.</summary>
    public static int OpenBeneath(int dirfd, string path, int flags, uint mode = 0)
    {
        var how = new OpenHow { Flags = (ulong)(flags | O_CLOEXEC), Mode = (flags & O_CREAT) != 0 ? mode : 0, Resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return (int)syscall(SYS_openat2, dirfd, (nint)p, (nint)(&how), sizeof(OpenHow));
    }

    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial long syscall(long number, long a, nint b, nint c, long d);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fstatat(int dirfd, string path, byte* buffer, int flags);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int fstat(int fd, byte* buffer);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int fstatfs(int fd, byte* buffer);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial nint getdents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint readlinkat(int dirfd, string path, byte* buffer, nuint size);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdirat(int dirfd, string path, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int dirfd, string path, int flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlinkat(string target, int newdirfd, string linkpath);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchmodat(int dirfd, string path, uint mode, int flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchownat(int dirfd, string path, uint owner, uint group, int flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int utimensat(int dirfd, string path, long* times, int flags);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int futimens(int fd, long* times);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial nint pread64(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial nint pwrite64(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int fchmod(int fd, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc.so.6")]
    public static partial int close(int fd);
}
