using PtFs.Vfs.Tree;

namespace PtFs.Providers.Memory;

/// <summary>
/// The bytes of a memory file, in 64 KiB chunks allocated on first write: a file with holes (written far
/// past its end, or extended by truncate) holds only what was written, and reads zeros elsewhere.
/// </summary>
public sealed class MemoryContent : FileContent
{
    private const int ChunkSize = 64 * 1024;
    private readonly Dictionary<long, byte[]> _chunks = [];
    private long _length;

    public override long Length => _length;

    /// <summary>
    /// Bytes held, as st_blocks reports them: whole pages of the written part, as tmpfs counts, never more
    /// than the chunks a sparse file actually has.
    /// </summary>
    public long AllocatedBytes => Math.Min((_length + 4095) & ~4095L, (long)_chunks.Count * ChunkSize);

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= _length) return 0;
        int total = (int)Math.Min(buffer.Length, _length - offset);
        for (int done = 0; done < total;)
        {
            long at = offset + done;
            int inChunk = (int)(at % ChunkSize), n = Math.Min(ChunkSize - inChunk, total - done);
            var target = buffer.Slice(done, n);
            if (_chunks.TryGetValue(at / ChunkSize, out var chunk)) chunk.AsSpan(inChunk, n).CopyTo(target);
            else target.Clear();
            done += n;
        }
        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            long at = offset + done;
            int inChunk = (int)(at % ChunkSize), n = Math.Min(ChunkSize - inChunk, data.Length - done);
            if (!_chunks.TryGetValue(at / ChunkSize, out var chunk)) _chunks[at / ChunkSize] = chunk = new byte[ChunkSize];
            data.Slice(done, n).CopyTo(chunk.AsSpan(inChunk));
            done += n;
        }
        _length = Math.Max(_length, offset + data.Length);
    }

    public void SetLength(long length)
    {
        if (length < _length)
        {
            foreach (long index in _chunks.Keys.Where(i => i * ChunkSize >= length).ToList()) _chunks.Remove(index);
            // Bytes past the new end in the last chunk must read as zeros if the file grows again.
            if (_chunks.TryGetValue(length / ChunkSize, out var last)) last.AsSpan((int)(length % ChunkSize)).Clear();
        }
        _length = length;
    }
}
