using System.IO.Compression;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

/// <summary>
/// The bytes of one zip entry, read on demand. Stored entries are read straight from the archive at any
/// offset. Deflated ones are streamed through a pooled cursor: forward reads continue where the last one
/// stopped, a read behind every cursor decompresses again from the entry's start. Never more than the
/// declared size comes out (a bomb's extra output is not produced); less, or bad data, is EIO.
/// </summary>
internal sealed class ZipEntryContent(SafeFileHandle archive, ZipEntryRecord entry, InflateCursorPool cursors) : FileContent
{
    private const int SkipChunk = 64 * 1024;
    private long _dataOffset = -1;

    public override long Length => entry.Size;

    /// <summary>The central directory's record of this entry.</summary>
    public ZipEntryRecord Entry => entry;

    /// <summary>Where the entry's compressed bytes start in the archive.</summary>
    public long DataOffset => _dataOffset >= 0 ? _dataOffset : _dataOffset = ZipDirectory.DataOffset(archive, entry);

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= entry.Size || buffer.IsEmpty) return 0;
        if (entry.IsEncrypted) throw new FsException(Errno.EIO, $"{entry.Name}: encrypted entries cannot be read");
        buffer = buffer[..(int)Math.Min(buffer.Length, entry.Size - offset)];
        _ = DataOffset;
        return entry.Method switch
        {
            ZipEntryRecord.Stored => ReadStored(offset, buffer),
            ZipEntryRecord.Deflated => ReadDeflated(offset, buffer),
            _ => throw new FsException(Errno.EIO, $"{entry.Name}: compression method {entry.Method} is not supported"),
        };
    }

    private int ReadStored(long offset, Span<byte> buffer)
    {
        int read = RandomAccess.Read(archive, buffer, _dataOffset + offset);
        if (read < buffer.Length) throw new FsException(Errno.EIO, $"{entry.Name}: the archive ends inside this entry");
        return read;
    }

    private int ReadDeflated(long offset, Span<byte> buffer)
    {
        var cursor = cursors.Take(this, offset) ?? new InflateCursor(this, archive, _dataOffset, entry.CompressedSize);
        try
        {
            if (cursor.Position < offset)
            {
                byte[] scratch = new byte[(int)Math.Min(SkipChunk, offset - cursor.Position)];
                if (!cursor.SkipTo(offset, scratch)) throw Truncated();
            }
            int read = cursor.Read(buffer);
            if (read < buffer.Length) throw Truncated();
            cursors.Return(cursor);
            cursor = null;
            return read;
        }
        catch (InvalidDataException e)
        {
            throw new FsException(Errno.EIO, $"{entry.Name}: damaged compressed data ({e.Message})");
        }
        finally
        {
            cursor?.Dispose();
        }
    }

    private FsException Truncated() => new(Errno.EIO, $"{entry.Name}: the compressed data ends before its declared size");
}
