using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs.Mapping;

namespace PtFs.Cli.Mounting;

/// <summary>An anonymous file in memory (memfd_create, close-on-exec) that traced processes open through /proc/TRACER/fd/N.</summary>
internal sealed partial class Memfd : ISharedFile
{
    private const uint MFD_CLOEXEC = 1;

    private Memfd(SafeFileHandle handle) => Handle = handle;

    public SafeFileHandle Handle { get; }

    public int Fd => (int)Handle.DangerousGetHandle();

    public static Memfd Create(string name)
    {
        int fd = memfd_create(name, MFD_CLOEXEC);
        if (fd < 0) throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        return new Memfd(new SafeFileHandle(fd, ownsHandle: true));
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

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);
}
