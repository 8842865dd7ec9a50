using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs.Mapping;

namespace PtFs.Cli.Mounting;

/// <summary>
/// An anonymous file in memory (close-on-exec) that traced processes open through /proc/TRACER/fd/N to map
/// or run: a memfd that may be executed, or where the vm.memfd_noexec sysctl forbids that, an unlinked
/// file in the temp directory.
/// </summary>
internal sealed partial class Memfd : ISharedFile
{
    private const uint MFD_CLOEXEC = 1, MFD_EXEC = 0x10;
    private const int EINVAL = 22, EACCES = 13, O_RDWR = 2, O_CLOEXEC = 0x80000, O_TMPFILE = 0x410000;
    private static bool s_execFlagUnknown, s_memfdExecForbidden;

    private readonly bool _tempFile;

    private Memfd(SafeFileHandle handle, bool tempFile)
    {
        Handle = handle;
        _tempFile = tempFile;
    }

    public SafeFileHandle Handle { get; }

    public int Fd => (int)Handle.DangerousGetHandle();

    public static Memfd Create(string name)
    {
        int fd = s_memfdExecForbidden ? -1 : MemfdThatMayRun(name);
        if (fd < 0)
        {
            s_memfdExecForbidden = true;
            fd = open(Path.GetTempPath(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0x1C0 /* 0700 */);
            if (fd < 0) throw new IOException($"neither an executable memfd nor a temp file in {Path.GetTempPath()}: errno {Marshal.GetLastPInvokeError()}");
        }
        return new Memfd(new SafeFileHandle(fd, ownsHandle: true), tempFile: s_memfdExecForbidden);
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

    // MFD_EXEC (Linux 6.3) keeps a memfd executable where vm.memfd_noexec=1 would seal it; older kernels
    // reject the flag (EINVAL) and make every memfd executable; vm.memfd_noexec=2 refuses it (EACCES).
    private static int MemfdThatMayRun(string name)
    {
        int fd = s_execFlagUnknown ? -1 : memfd_create(name, MFD_CLOEXEC | MFD_EXEC);
        if (fd >= 0) return fd;
        int errno = s_execFlagUnknown ? EINVAL : Marshal.GetLastPInvokeError();
        if (errno == EACCES) return -1;
        if (errno != EINVAL) throw new IOException($"memfd_create failed: errno {errno}");
        s_execFlagUnknown = true;
        fd = memfd_create(name, MFD_CLOEXEC);
        if (fd < 0) throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        return fd;
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

    public void Dispose() => Handle.Dispose();

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);
}
