using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

/// <summary>
/// Writes a zip archive entry by entry: untouched entries as their original compressed bytes (no
/// recompression), new content deflated, Unix modes and symlinks in the external attributes, times as
/// DOS time plus the extended timestamp, ZIP64 where sizes, offsets or the entry count need it. By hand,
/// because ZipArchive cannot copy an entry's compressed bytes into another archive.
/// </summary>
internal sealed class ZipWriter(FileStream output)
{
    private const uint Saturated = uint.MaxValue;
    private const ushort Utf8Names = 1 << 11, MadeByUnix = (3 << 8) | 45;
    private readonly List<Central> _central = [];

    public void AddDirectory(string name, uint mode, UnixTime modified) =>
        AddStored(name.TrimEnd('/') + "/", 0x4000 | mode, modified, []);

    public void AddSymlink(string name, string target, UnixTime modified) =>
        AddStored(name, 0xA000 | 0x1FF, modified, Encoding.UTF8.GetBytes(target));

    /// <summary>
    /// An entry of the original archive, under its (maybe new) name, mode and time: its compressed bytes
    /// copied as they are, with its flags (encryption too) and, when it has one, a data descriptor after
    /// them. An encrypted entry keeps its DOS time, which its password check may be made of.
    /// </summary>
    public void AddOriginal(string name, uint mode, UnixTime modified, ZipEntryRecord entry, SafeFileHandle archive, long dataOffset)
    {
        long offset = output.Position;
        var header = new Central(name, 0x8000 | mode, modified, entry.Method, entry.Crc32, entry.CompressedSize, entry.Size, offset)
        {
            Flags = (ushort)(entry.Flags | Utf8Names),
            Dos = entry.IsEncrypted ? (entry.DosTime, entry.DosDate) : null,
        };
        WriteLocal(header);
        var buffer = new byte[1 << 20];
        for (long done = 0; done < entry.CompressedSize;)
        {
            int n = RandomAccess.Read(archive, buffer.AsSpan(0, (int)Math.Min(buffer.Length, entry.CompressedSize - done)), dataOffset + done);
            if (n == 0) throw new FsException(Errno.EIO, $"{entry.Name}: the archive ends inside this entry");
            output.Write(buffer, 0, n);
            done += n;
        }
        if (entry.HasDataDescriptor) WriteDescriptor(header);
        _central.Add(header);
    }

    /// <summary>New or changed bytes, deflated (stored when empty).</summary>
    public void AddContent(string name, uint mode, UnixTime modified, FileContent content)
    {
        if (content.Length == 0)
        {
            AddStored(name, 0x8000 | mode, modified, []);
            return;
        }
        long offset = output.Position;
        var header = new Central(name, 0x8000 | mode, modified, ZipEntryRecord.Deflated, 0, 0, content.Length, offset);
        WriteLocal(header); // sizes and CRC are patched in below
        long dataStart = output.Position;
        var crc = new Crc32();
        var buffer = new byte[1 << 20];
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (long at = 0; at < content.Length;)
            {
                int n = content.Read(at, buffer);
                if (n == 0) break;
                crc.Append(buffer.AsSpan(0, n));
                deflate.Write(buffer, 0, n);
                at += n;
            }
        }
        long end = output.Position;
        header = header with { Crc32 = crc.GetCurrentHashAsUInt32(), CompressedSize = end - dataStart };
        output.Position = offset;
        WriteLocal(header);
        output.Position = end;
        _central.Add(header);
    }

    /// <summary>The central directory and end records (with the archive's comment); the archive is complete after this.</summary>
    public void Finish(byte[] comment)
    {
        long directoryStart = output.Position;
        foreach (var entry in _central) WriteCentral(entry);
        long directorySize = output.Position - directoryStart;
        bool zip64 = _central.Count >= ushort.MaxValue || directoryStart >= Saturated || directorySize >= Saturated;
        Span<byte> record = stackalloc byte[56];
        if (zip64)
        {
            long zip64End = output.Position;
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
            BinaryPrimitives.WriteInt64LittleEndian(record[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], MadeByUnix);
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], 45);
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(record[24..], _central.Count);
            BinaryPrimitives.WriteInt64LittleEndian(record[32..], _central.Count);
            BinaryPrimitives.WriteInt64LittleEndian(record[40..], directorySize);
            BinaryPrimitives.WriteInt64LittleEndian(record[48..], directoryStart);
            output.Write(record);
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x07064b50);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(record[8..], zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 1);
            output.Write(record[..20]);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06054b50);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], 0);
        ushort count = zip64 ? ushort.MaxValue : (ushort)_central.Count;
        BinaryPrimitives.WriteUInt16LittleEndian(record[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], zip64 ? Saturated : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], zip64 ? Saturated : (uint)directoryStart);
        BinaryPrimitives.WriteUInt16LittleEndian(record[20..], (ushort)comment.Length);
        output.Write(record[..22]);
        output.Write(comment);
    }

    private void WriteDescriptor(Central e)
    {
        bool sizes64 = LocalSizes64(e);
        Span<byte> d = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(d, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], e.Crc32);
        if (sizes64)
        {
            BinaryPrimitives.WriteInt64LittleEndian(d[8..], e.CompressedSize);
            BinaryPrimitives.WriteInt64LittleEndian(d[16..], e.Size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d[8..], (uint)e.CompressedSize);
            BinaryPrimitives.WriteUInt32LittleEndian(d[12..], (uint)e.Size);
        }
        output.Write(d[..(sizes64 ? 24 : 16)]);
    }

    // Decided on the uncompressed size, with room for deflate's overhead, so that the header written
    // before the compressed size is known has the same length as the one patched in after.
    private static bool LocalSizes64(Central e) => e.Size >= Saturated - (1L << 24) || e.CompressedSize >= Saturated;

    private void AddStored(string name, uint mode, UnixTime modified, byte[] data)
    {
        var header = new Central(name, mode, modified, ZipEntryRecord.Stored, Crc32.HashToUInt32(data), data.Length, data.Length, output.Position);
        WriteLocal(header);
        output.Write(data);
        _central.Add(header);
    }

    private void WriteLocal(Central e)
    {
        byte[] name = Encoding.UTF8.GetBytes(e.Name);
        bool sizes64 = LocalSizes64(e);
        var extra = new List<byte>();
        if (sizes64) extra.AddRange(Zip64Extra(e.Size, e.CompressedSize, null));
        extra.AddRange(TimestampExtra(e.Modified));
        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        WriteCommon(h[4..], e, sizes64 ? (ushort)45 : (ushort)20, sizes64, sizes64, name.Length, extra.Count);
        output.Write(h);
        output.Write(name);
        output.Write(extra.ToArray());
    }

    private void WriteCentral(Central e)
    {
        byte[] name = Encoding.UTF8.GetBytes(e.Name);
        bool size64 = e.Size >= Saturated, compressed64 = e.CompressedSize >= Saturated, offset64 = e.Offset >= Saturated;
        var extra = new List<byte>();
        if (size64 || compressed64 || offset64)
            extra.AddRange(Zip64Extra(size64 ? e.Size : null, compressed64 ? e.CompressedSize : null, offset64 ? e.Offset : null));
        extra.AddRange(TimestampExtra(e.Modified));
        Span<byte> h = stackalloc byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], MadeByUnix);
        WriteCommon(h[6..], e, extra.Count > 9 ? (ushort)45 : (ushort)20, compressed64, size64, name.Length, extra.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(h[38..], (e.Mode << 16) | ((e.Mode & 0xF000) == 0x4000 ? 0x10u : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(h[42..], offset64 ? Saturated : (uint)e.Offset);
        output.Write(h);
        output.Write(name);
        output.Write(extra.ToArray());
    }

    /// <summary>
    /// The 26 bytes local and central headers share: version needed, flags, method, DOS time and date, CRC,
    /// both sizes (saturated where ZIP64 holds them), name and extra lengths.
    /// </summary>
    private static void WriteCommon(Span<byte> h, Central e, ushort versionNeeded, bool compressed64, bool size64, int nameLength, int extraLength)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(h, versionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], e.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], e.Method);
        var (time, date) = e.Dos ?? Dos(e.Modified);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], time);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], date);
        BinaryPrimitives.WriteUInt32LittleEndian(h[10..], e.Crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], compressed64 ? Saturated : (uint)e.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], size64 ? Saturated : (uint)e.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)nameLength);
        BinaryPrimitives.WriteUInt16LittleEndian(h[24..], (ushort)extraLength);
    }

    private static byte[] Zip64Extra(long? size, long? compressed, long? offset)
    {
        var values = new[] { size, compressed, offset }.Where(v => v is not null).Select(v => v!.Value).ToList();
        var extra = new byte[4 + 8 * values.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(8 * values.Count));
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(extra.AsSpan(4 + 8 * i), values[i]);
        return extra;
    }

    /// <summary>Info-ZIP's extended timestamp: the modification time in whole seconds, UTC.</summary>
    private static byte[] TimestampExtra(UnixTime modified)
    {
        var extra = new byte[9];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x5455);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), 5);
        extra[4] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(extra.AsSpan(5), (int)Math.Clamp(modified.Seconds, int.MinValue, int.MaxValue));
        return extra;
    }

    /// <summary>MS-DOS time and date in local time (2-second steps), clamped to DOS's 1980-2107.</summary>
    private static (ushort Time, ushort Date) Dos(UnixTime modified)
    {
        var local = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(modified.Seconds, 315532800, 4354819198)).LocalDateTime;
        if (local.Year < 1980) local = new DateTime(1980, 1, 1);
        return ((ushort)((local.Hour << 11) | (local.Minute << 5) | (local.Second / 2)), (ushort)(((local.Year - 1980) << 9) | (local.Month << 5) | local.Day));
    }

    private sealed record Central(string Name, uint Mode, UnixTime Modified, ushort Method, uint Crc32, long CompressedSize, long Size, long Offset)
    {
        public ushort Flags { get; init; } = Utf8Names;

        /// <summary>The DOS time and date to write as they are, instead of from <see cref="Modified"/>.</summary>
        public (ushort Time, ushort Date)? Dos { get; init; }
    }
}
