using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>
/// Snapshots of virtual files' bytes in memfds, which traced processes open through /proc/TRACER/fd/N to
/// mmap or run. A memfd has the file's size, but holds only the range asked for (an mmap's pages; the rest
/// is holes that cost nothing), so mapping 4 KiB of a huge file copies 4 KiB. A mapping keeps its memfd
/// alive by itself; the tracer keeps recent snapshots, within a memory budget, for a file mapped again.
/// </summary>
internal sealed class Snapshots : IDisposable
{
    private const long Budget = 256L << 20;
    private const long Page = 4096;
    private readonly LinkedList<(object Key, long From, long To, bool Executable, Memfd Memfd, long Length)> _recent = []; // newest first

    /// <summary>
    /// A memfd holding at least [<paramref name="from"/>, <paramref name="to"/>) of the snapshot
    /// <paramref name="key"/> names, made from <paramref name="read"/> if none does.
    /// </summary>
    public Memfd For(object key, long length, SnapshotReader read, long from, long to, bool executable)
    {
        from = Math.Clamp(from, 0, length) / Page * Page;
        to = Math.Clamp(to, from, length);
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            var s = node.Value;
            if (!s.Key.Equals(key) || s.From > from || s.To < to || (executable && !s.Executable)) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return s.Memfd;
        }
        var memfd = Create(length, read, from, to, executable);
        _recent.AddFirst((key, from, to, executable, memfd, to - from));
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

    private static Memfd Create(long length, SnapshotReader read, long from, long to, bool executable)
    {
        var memfd = Memfd.Create(executable ? "ptfs-exec" : "ptfs-mmap", executable);
        try
        {
            var chunk = new byte[Math.Clamp(to - from, 1, 1 << 20)];
            for (long at = from; at < to;)
            {
                int n = read(at, chunk.AsSpan(0, (int)Math.Min(chunk.Length, to - at)));
                if (n == 0) break;
                memfd.Write(at, chunk.AsSpan(0, n));
                at += n;
            }
            memfd.Length = length;
            return memfd.Sealed();
        }
        catch
        {
            memfd.Dispose();
            throw;
        }
    }
}
