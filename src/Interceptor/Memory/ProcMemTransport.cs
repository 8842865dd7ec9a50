using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor.Memory;

/// <summary>
/// pread/pwrite on <c>/proc/PID/mem</c>, what Goanna used: cheap per call, but the kernel copies through a
/// one-page bounce buffer. Writes reach read-only pages (FOLL_FORCE). One open file per task, reopened when
/// the task's address space was replaced by exec.
/// </summary>
public sealed unsafe class ProcMemTransport : IMemoryTransport, IDisposable
{
    private readonly Dictionary<int, SafeFileHandle> _files = [];

    public string Name => "proc_mem";

    public Transfer Read(int tid, ulong address, Span<byte> destination)
    {
        fixed (byte* p = destination) return Move(tid, address, p, destination.Length, write: false);
    }

    public Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source)
    {
        fixed (byte* p = source) return Move(tid, address, p, source.Length, write: true);
    }

    /// <summary>Drops the open file of a task that exited or exec'd.</summary>
    public void Forget(int tid)
    {
        if (_files.Remove(tid, out var file)) file.Dispose();
    }

    public void Dispose()
    {
        foreach (var file in _files.Values) file.Dispose();
        _files.Clear();
    }

    private Transfer Move(int tid, ulong address, byte* buffer, int length, bool write)
    {
        int done = 0;
        bool reopened = false;
        while (done < length)
        {
            var file = Open(tid);
            if (file is null) return new Transfer(done, 3 /* ESRCH */);
            long offset = (long)(address + (ulong)done);
            long n = write
                ? Libc.pwrite(file, new ReadOnlySpan<byte>(buffer + done, length - done), offset)
                : Libc.pread(file, new Span<byte>(buffer + done, length - done), offset);
            if (n > 0)
            {
                done += (int)n;
                continue;
            }
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (n == 0 && !reopened)
            {
                // End of file: the address space this file named is gone (exec); try the current one.
                Forget(tid);
                reopened = true;
                continue;
            }
            return new Transfer(done, errno is 0 or 5 ? 14 /* EFAULT */ : errno);
        }
        return Transfer.Done(done);
    }

    private SafeFileHandle? Open(int tid)
    {
        if (_files.TryGetValue(tid, out var file)) return file;
        try
        {
            file = File.OpenHandle($"/proc/{tid}/mem", FileMode.Open, FileAccess.ReadWrite);
        }
        catch (IOException)
        {
            return null;
        }
        _files[tid] = file;
        return file;
    }
}
