using System.Buffers;
using PtFs.Vfs.Dispatch;

namespace PtFs.Vfs.Mapping;

/// <summary>
/// One virtual file's bytes while processes may have it mapped shared: the kernel's page cache, in a file
/// both sides map. Only the ranges some mapping covered are filled from the provider; reads of those come
/// from here (they may hold the program's stores), writes and truncations land here as well as in the
/// provider, so mappings, read and write agree as they do on disk. Stores reach the provider at
/// <see cref="WriteBack"/>: msync, fsync, and when a process that mapped the file exits or execs.
/// </summary>
public sealed class PageCache(ISharedFile shared) : IDisposable
{
    private const long Page = 4096;
    private const int Chunk = 64 << 10;
    private readonly FilledRanges _filled = new();

    public ISharedFile Shared { get; } = shared;

    /// <summary>The processes that mapped it (and their forks): the cache lives while one of them does.</summary>
    public HashSet<int> Mappers { get; } = [];

    /// <summary>An open file of the node with write access that stores are written back through, once one mapped it writable.</summary>
    public OpenFile? Writer { get; set; }

    /// <summary>Makes [<paramref name="from"/>, <paramref name="to"/>) (whole pages) hold the file's bytes, read from the provider where missing.</summary>
    public void Fill(long from, long to, SnapshotReader read)
    {
        from = from / Page * Page;
        to = to > long.MaxValue - Page ? long.MaxValue : (to + Page - 1) / Page * Page;
        long end = Math.Min(to, Shared.Length);
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            foreach (var (gapFrom, gapTo) in _filled.Gaps(from, end))
            {
                for (long at = gapFrom; at < gapTo;)
                {
                    int n = read(at, chunk.AsSpan(0, (int)Math.Min(Chunk, gapTo - at)));
                    if (n == 0) break;
                    Shared.Write(at, chunk.AsSpan(0, n));
                    at += n;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        _filled.Add(from, to);
    }

    /// <summary>A read of the file: filled ranges from here, the rest from the provider (<paramref name="read"/>).</summary>
    public int Read(long offset, Span<byte> buffer, SnapshotReader read)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            long at = offset + total;
            bool filled = _filled.Holds(at, out long boundary);
            var piece = buffer[total..(int)Math.Min(buffer.Length, Math.Min(boundary - offset, int.MaxValue))];
            int n = filled ? Shared.Read(at, piece) : read(at, piece);
            total += n;
            if (n < piece.Length) break; // the end of the file
        }
        return total;
    }

    /// <summary>The provider took a write: filled ranges get the same bytes, and the file may have grown.</summary>
    public void Written(long offset, ReadOnlySpan<byte> data)
    {
        foreach (var (from, to) in _filled.All)
        {
            long start = Math.Max(from, offset), end = Math.Min(to, offset + data.Length);
            if (start < end) Shared.Write(start, data[(int)(start - offset)..(int)(end - offset)]);
        }
        if (offset + data.Length > Shared.Length) Shared.Length = offset + data.Length;
    }

    /// <summary>The file's size changed (truncate, fallocate): mappings see the new end, and zeros past the old one.</summary>
    public void Resized(long size) => Shared.Length = size;

    /// <summary>
    /// Carries the program's stores to the provider through <see cref="Writer"/>: only the chunks that differ
    /// from what the provider holds are written, so a mapping only read changes nothing (a zip entry stays
    /// as it was compressed).
    /// </summary>
    public void WriteBack(IWritableFileSystemProvider provider)
    {
        if (Writer is null) return;
        var handle = Writer.Handle;
        byte[] cached = ArrayPool<byte>.Shared.Rent(Chunk), stored = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            long length = Shared.Length;
            foreach (var (from, to) in _filled.All)
            {
                for (long at = from; at < Math.Min(to, length); at += Chunk)
                {
                    int n = Shared.Read(at, cached.AsSpan(0, (int)Math.Min(Chunk, Math.Min(to, length) - at)));
                    var errno = provider.Read(handle, at, stored.AsSpan(0, n), out int m);
                    if (errno != Errno.Ok) throw new FsException(errno, $"reading {handle.Path} to write a mapping back: {errno}");
                    if (m == n && cached.AsSpan(0, n).SequenceEqual(stored.AsSpan(0, n))) continue;
                    errno = provider.Write(handle, at, cached.AsSpan(0, n), out int written);
                    if (errno != Errno.Ok || written != n) throw new FsException(errno == Errno.Ok ? Errno.EIO : errno, $"writing a mapping of {handle.Path} back: {errno}");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cached);
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    public void Dispose() => Shared.Dispose();
}
