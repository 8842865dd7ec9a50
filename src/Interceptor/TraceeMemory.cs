using System.Runtime.InteropServices;
using System.Text;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>
/// Reads and writes a stopped tracee's memory with process_vm_readv/writev: one syscall per transfer,
/// page protections respected. Partial transfers stop at the first unmapped page.
/// </summary>
public static unsafe class TraceeMemory
{
    private const int PageSize = 4096;

    /// <summary>Bytes read, or -errno when not even the first byte could be read.</summary>
    public static long Read(int pid, ulong address, Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        fixed (byte* p = destination)
        {
            var local = new IoVec { Base = (nint)p, Length = (nuint)destination.Length };
            var remote = new IoVec { Base = (nint)address, Length = (nuint)destination.Length };
            long n = Libc.process_vm_readv(pid, &local, 1, &remote, 1, 0);
            return n < 0 ? -Marshal.GetLastPInvokeError() : n;
        }
    }

    /// <summary>Bytes written, or -errno when not even the first byte could be written.</summary>
    public static long Write(int pid, ulong address, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return 0;
        fixed (byte* p = source)
        {
            var local = new IoVec { Base = (nint)p, Length = (nuint)source.Length };
            var remote = new IoVec { Base = (nint)address, Length = (nuint)source.Length };
            long n = Libc.process_vm_writev(pid, &local, 1, &remote, 1, 0);
            return n < 0 ? -Marshal.GetLastPInvokeError() : n;
        }
    }

    /// <summary>
    /// Reads a NUL-terminated string of at most <paramref name="maxBytes"/> bytes, page by page so that a
    /// string ending just before an unmapped page is still read. Null when memory ends before the NUL (the
    /// kernel's EFAULT: a name that runs into an unmapped page is no name, not a shorter one);
    /// <paramref name="truncated"/> when no NUL came within the limit.
    /// </summary>
    public static byte[]? ReadCString(int pid, ulong address, int maxBytes, out bool truncated)
    {
        truncated = false;
        var buffer = new byte[Math.Min(maxBytes, PageSize)];
        using var collected = new MemoryStream();
        ulong at = address;
        while (collected.Length < maxBytes)
        {
            int chunk = (int)Math.Min((ulong)(PageSize - (int)(at % PageSize)), (ulong)(maxBytes - collected.Length));
            long n = Read(pid, at, buffer.AsSpan(0, chunk));
            if (n <= 0) return null;
            int nul = buffer.AsSpan(0, (int)n).IndexOf((byte)0);
            if (nul >= 0)
            {
                collected.Write(buffer, 0, nul);
                return collected.ToArray();
            }
            collected.Write(buffer, 0, (int)n);
            at += (ulong)n;
        }
        truncated = true;
        return collected.ToArray();
    }

    public static string? ReadString(int pid, ulong address, int maxBytes = PageSize * 2)
    {
        var bytes = ReadCString(pid, address, maxBytes, out _);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }
}
