using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs.Mapping;

namespace PtFs.Cli.Mounting;

/// <summary>
/// An anonymous file in memory (close-on-exec) that traced processes open through /proc/TRACER/fd/N to map
/// or run. Data is never executed, so its memfd is sealed against exec (which vm.memfd_noexec=2 demands);
/// a program to run gets an executable memfd, or where that sysctl forbids one, an unlinked file in a
/// temp directory that allows exec.
/// </summary>
internal sealed partial class Memfd : ISharedFile
{
    private const uint MFD_CLOEXEC = 1, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
    private const int EINVAL = 22, EACCES = 13, O_RDWR = 2, O_CLOEXEC = 0x80000, O_TMPFILE = 0x410000;
    private const ulong ST_NOEXEC = 8;
    private static bool s_sealFlagsUnknown; // before Linux 6.3: no MFD_EXEC or MFD_NOEXEC_SEAL, every memfd may run
    private readonly bool _tempFile;
    private ulong? _inode;

    private Memfd(SafeFileHandle handle, bool tempFile)
    {
        Handle = handle;
        _tempFile = tempFile;
    }

    public SafeFileHandle Handle { get; }

    public int Fd => (int)Handle.DangerousGetHandle();

    public static Memfd Create(string name, bool executable)
    {
        int fd = SealedMemfd(name, executable ? MFD_EXEC : MFD_NOEXEC_SEAL);
        if (fd >= 0) return new Memfd(new SafeFileHandle(fd, ownsHandle: true), tempFile: false);
        return new Memfd(new SafeFileHandle(TempFileThatMayRun(), ownsHandle: true), tempFile: true);
    }

    // The memfd, or -1 when vm.memfd_noexec=2 refuses an executable one (EACCES).
    private static int SealedMemfd(string name, uint seal)
    {
        int fd = s_sealFlagsUnknown ? -1 : memfd_create(name, MFD_CLOEXEC | seal);
        if (fd >= 0) return fd;
        int errno = s_sealFlagsUnknown ? EINVAL : Marshal.GetLastPInvokeError();
        if (errno == EACCES && seal == MFD_EXEC) return -1;
        if (errno != EINVAL) throw new IOException($"memfd_create failed: errno {errno}");
        s_sealFlagsUnknown = true;
        fd = memfd_create(name, MFD_CLOEXEC);
        if (fd < 0) throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        return fd;
    }

    private static int TempFileThatMayRun()
    {
        var tried = new List<string>();
        foreach (string? dir in new[] { Environment.GetEnvironmentVariable("TMPDIR"), "/dev/shm", "/tmp", Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") })
        {
            if (string.IsNullOrEmpty(dir) || tried.Contains(dir)) continue;
            tried.Add(dir);
            if (NoExec(dir)) continue;
            int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0x1C0 /* 0700 */);
            if (fd >= 0) return fd;
        }
        throw new IOException($"vm.memfd_noexec forbids running memfds, and none of {string.Join(", ", tried)} takes a temp file that may run");
    }

    private static unsafe bool NoExec(string dir)
    {
        byte* buffer = stackalloc byte[120]; // struct statvfs; f_flag is the 10th unsigned long
        return statvfs(dir, buffer) != 0 || (((ulong*)buffer)[9] & ST_NOEXEC) != 0;
    }

    /// <summary>
    /// The same bytes through a read-only fd, for a snapshot that is complete: the kernel refuses to run a
    /// file someone may write (ETXTBSY), which memfds are spared but a temp file is not.
    /// </summary>
    public Memfd Sealed()
    {
        if (!_tempFile) return this;
        int fd = open($"/proc/self/fd/{Fd}", O_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"reopening a snapshot read-only failed: errno {Marshal.GetLastPInvokeError()}");
        Dispose();
        return new Memfd(new SafeFileHandle(fd, ownsHandle: true), tempFile: true);
    }

    public long Length
    {
        get => RandomAccess.GetLength(Handle);
        set
        {
            if (ftruncate(Fd, value) != 0) throw new IOException($"ftruncate of a memfd failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(Handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(Handle, data, offset);

    /// <summary>A line of /proc/PID/maps names this memfd by its inode ("ADDR PERMS OFFSET DEV INODE /memfd:NAME (deleted)").</summary>
    public bool IsMappedBy(int pid)
    {
        string inode = (_inode ??= Inode()).ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 6 && fields[4] == inode && fields[5].StartsWith("/memfd:", StringComparison.Ordinal)) return true;
            }
        }
        catch (IOException)
        {
            // the process is gone
        }
        return false;
    }

    public void Dispose() => Handle.Dispose();

    private unsafe ulong Inode()
    {
        byte* buffer = stackalloc byte[144]; // struct stat; st_ino follows st_dev
        if (fstat(Fd, buffer) != 0) throw new IOException($"fstat of a memfd failed: errno {Marshal.GetLastPInvokeError()}");
        return ((ulong*)buffer)[1];
    }

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statvfs(string path, byte* buffer);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static unsafe partial int fstat(int fd, byte* buffer);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);
}
