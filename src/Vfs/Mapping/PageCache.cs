using System.Buffers;
using System.IO.Hashing;
using PtFs.Vfs.Dispatch;

namespace PtFs.Vfs.Mapping;

/// <summary>
/// One virtual file's bytes while processes may have it mapped shared: the kernel's page cache, in a file
/// both sides map. Only the ranges some mapping covered are filled from the provider; reads of those come
/// from here (they may hold the program's stores), writes and truncations land here as well as in the
/// provider, so mappings, read and write agree as they do on disk.
/// <para>
/// What the program stored is found by a hash per 64 KiB chunk, taken whenever the chunk and the provider
/// last agreed: <see cref="WriteBack"/> writes only chunks whose bytes changed since, so a mapping only
/// read writes nothing, and a change the provider got some other way is never undone.
/// </para>
/// </summary>
public sealed class PageCache(ISharedFile shared, IWritableFileSystemProvider? provider, FileHandle handle, bool writable) : IDisposable
{
    private const long Page = 4096;
    private const int Chunk = 64 << 10;
    private readonly FilledRanges _filled = new();
    private readonly Dictionary<long, ulong> _agreed = []; // chunk index -> hash of its bytes when they matched the provider

    public ISharedFile Shared { get; } = shared;

    /// <summary>The cache's own open of the file: it keeps the file (and its inode number) alive, and stores are written through it.</summary>
    public FileHandle Handle { get; private set; } = handle;

    /// <summary>Whether <see cref="Handle"/> may write, which a writable shared mapping needs.</summary>
    public bool Writable { get; private set; } = writable;

    /// <summary>The address spaces that map it: the cache lives while one of them does.</summary>
    public HashSet<int> Spaces { get; } = [];

    /// <summary>A handle that may write takes the place of a read-only one; the old one, for the caller to release.</summary>
    public FileHandle Upgrade(FileHandle writableHandle)
    {
        var old = Handle;
        (Handle, Writable) = (writableHandle, true);
        return old;
    }

    /// <summary>Makes [<paramref name="from"/>, <paramref name="to"/>) (whole pages) hold the file's bytes, read from the provider where missing.</summary>
    public void Fill(long from, long to, SnapshotReader read)
    {
        from = from / Page * Page;
        to = to > long.MaxValue - Page ? long.MaxValue : (to + Page - 1) / Page * Page;
        long end = Math.Min(to, Shared.Length);
        var gaps = _filled.Gaps(from, end);
        if (gaps.Count == 0) return;
        WriteBack(gaps[0].From, gaps[^1].To); // chunks about to be hashed anew may hold stores
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            foreach (var (gapFrom, gapTo) in gaps)
            {
                for (long at = gapFrom; at < gapTo;)
                {
                    int n = read(at, chunk.AsSpan(0, (int)Math.Min(Chunk, gapTo - at)));
                    if (n == 0) break;
                    // A hole in the memfd reads as zeros and costs nothing: a sparse file stays small.
                    if (chunk.AsSpan(0, n).ContainsAnyExcept((byte)0)) Shared.Write(at, chunk.AsSpan(0, n));
                    at += n;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        _filled.Add(from, to);
        Agree(gaps[0].From, gaps[^1].To);
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

    /// <summary>
    /// The program writes through an fd: stores in the chunks it touches go to the provider first, then the
    /// write lands in both, so neither hides the other.
    /// </summary>
    public void Writing(long offset, long length) => WriteBack(offset, offset + length);

    /// <summary>The provider took a write: filled ranges get the same bytes, and the file may have grown.</summary>
    public void Written(long offset, ReadOnlySpan<byte> data)
    {
        if (offset + data.Length > Shared.Length) Grow(offset + data.Length);
        foreach (var (from, to) in _filled.All)
        {
            long start = Math.Max(from, offset), end = Math.Min(to, offset + data.Length);
            if (start < end) Shared.Write(start, data[(int)(start - offset)..(int)(end - offset)]);
        }
        Agree(offset, offset + data.Length);
    }

    /// <summary>The file's size is about to change (truncate, fallocate): stores below the cut go to the provider first.</summary>
    public void Resizing(long size) => WriteBack(Math.Min(Shared.Length, size), long.MaxValue);

    /// <summary>The file's size changed: mappings see the new end (SIGBUS past it), and a file grown again has zeros where it was cut.</summary>
    public void Resized(long size)
    {
        long old = Shared.Length;
        if (size > old) Grow(size);
        else Shared.Length = size;
        Agree(Math.Min(old, size), Math.Max(old, size));
    }

    /// <summary>
    /// Carries the program's stores in [<paramref name="from"/>, <paramref name="to"/>) to the provider:
    /// the filled parts of every chunk whose bytes changed since it last matched.
    /// </summary>
    public void WriteBack(long from = 0, long to = long.MaxValue)
    {
        if (!Writable || provider is null) return; // only a writable mapping can store
        EachChunk(from, to, (index, start, bytes) =>
        {
            ulong hash = XxHash3.HashToUInt64(bytes);
            if (_agreed.TryGetValue(index, out ulong agreed) && agreed == hash) return;
            foreach (var (f, t) in _filled.All)
            {
                long s = Math.Max(f, start), e = Math.Min(t, start + bytes.Length);
                if (s >= e) continue;
                var errno = provider.Write(Handle, s, bytes[(int)(s - start)..(int)(e - start)], out int written);
                if (errno != Errno.Ok || written != e - s)
                    throw new FsException(errno == Errno.Ok ? Errno.EIO : errno, $"writing what a mapping of {Handle.Path} stored: {errno}");
            }
            _agreed[index] = hash;
        });
    }

    public void Dispose() => Shared.Dispose();

    // Growing from L: the rest of L's page may hold stores past the old end, which no file shows (POSIX).
    private void Grow(long size)
    {
        long old = Shared.Length, pageEnd = Math.Min(size, (old + Page - 1) / Page * Page);
        if (pageEnd > old) Shared.Write(old, new byte[pageEnd - old]);
        Shared.Length = size;
    }

    /// <summary>The chunks of [from, to) now match the provider: their hashes are the new reference.</summary>
    private void Agree(long from, long to)
    {
        EachChunk(from, to, (index, _, bytes) => _agreed[index] = XxHash3.HashToUInt64(bytes));
        long length = Shared.Length;
        foreach (long index in _agreed.Keys.Where(i => i * Chunk >= length).ToList()) _agreed.Remove(index);
    }

    private delegate void ChunkVisitor(long index, long start, ReadOnlySpan<byte> bytes);

    /// <summary>Hands <paramref name="visit"/> the bytes of each chunk in [from, to) that some filled range overlaps.</summary>
    private void EachChunk(long from, long to, ChunkVisitor visit)
    {
        long length = Shared.Length;
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            foreach (long index in ChunksIn(from, Math.Min(to, length)))
            {
                long start = index * Chunk;
                int n = Shared.Read(start, chunk.AsSpan(0, (int)Math.Min(Chunk, length - start)));
                visit(index, start, chunk.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The chunks that overlap [from, to) and some filled range.</summary>
    private IEnumerable<long> ChunksIn(long from, long to)
    {
        long last = -1;
        foreach (var (f, t) in _filled.All)
        {
            long start = Math.Max(f, from), end = Math.Min(t, to);
            if (start >= end) continue;
            for (long index = Math.Max(start / Chunk, last + 1); index <= (end - 1) / Chunk; index++)
            {
                yield return index;
                last = index;
            }
        }
    }
}
