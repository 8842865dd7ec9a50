using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>
/// Snapshots of virtual files' bytes in memfds, which traced processes open through /proc/TRACER/fd/N to
/// mmap. A mapping keeps its memfd alive by itself, so the tracer only keeps recent snapshots to serve a
/// file mapped several times in a row (ld.so maps a library segment by segment), within a memory budget.
/// </summary>
internal sealed partial class Snapshots : IDisposable
{
    private const long Budget = 256L << 20;
    private const uint MFD_CLOEXEC = 1;
    private readonly LinkedList<(object Key, SafeFileHandle Memfd, long Length)> _recent = []; // newest first

    /// <summary>The memfd holding the snapshot <paramref name="key"/> names, made from <paramref name="read"/> if there is none.</summary>
    public SafeFileHandle For(object key, long length, SnapshotReader read)
    {
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (!node.Value.Key.Equals(key)) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Memfd;
        }
        var memfd = Create(length, read);
        _recent.AddFirst((key, memfd, length));
        for (long total = _recent.Sum(s => s.Length); total > Budget && _recent.Count > 1; total -= _recent.Last!.Value.Length)
        {
            _recent.Last!.Value.Memfd.Dispose();
            _recent.RemoveLast();
        }
        return memfd;
    }

    public void Dispose()
    {
        foreach (var snapshot in _recent) snapshot.Memfd.Dispose();
        _recent.Clear();
    }

    private static SafeFileHandle Create(long length, SnapshotReader read)
    {
        int fd = memfd_create("ptfs-mmap", MFD_CLOEXEC);
        if (fd < 0) throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        var memfd = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var chunk = new byte[Math.Min(length, 1 << 20)];
            for (long at = 0; at < length;)
            {
                int n = read(at, chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - at)));
                if (n == 0) break;
                RandomAccess.Write(memfd, chunk.AsSpan(0, n), at);
                at += n;
            }
            if (ftruncate(fd, length) != 0) throw new IOException($"ftruncate failed: errno {Marshal.GetLastPInvokeError()}");
            return memfd;
        }
        catch
        {
            memfd.Dispose();
            throw;
        }
    }

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);
}
