using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PtFs.Vfs;

namespace PtFs.Providers.Zip;

/// <summary>
/// Reads a zip's central directory (ZIP64 included). System.IO.Compression's ZipArchive reads it too, but
/// keeps each entry's offset in the archive private, and random access into a stored entry needs it; the
/// bytes themselves are inflated by the BCL's DeflateStream.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, Zip64LocatorSignature = 0x07064b50, Zip64EndSignature = 0x06064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private const int EndSize = 22, Zip64LocatorSize = 20, Zip64EndSize = 56, CentralSize = 46, LocalSize = 30;
    private const ushort Zip64Extra = 0x0001, TimestampExtra = 0x5455, UnicodePathExtra = 0x7075;
    private const ushort Utf8Flag = 1 << 11;

    static ZipDirectory() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The entries and the archive's comment, or an FsException(EINVAL) saying why this is not a readable zip.</summary>
    public static List<ZipEntryRecord> Read(SafeFileHandle archive, string name, out byte[] comment)
    {
        long length = RandomAccess.GetLength(archive);
        var (count, directoryOffset, directorySize, prefix, archiveComment) = FindDirectory(archive, length, name);
        comment = archiveComment;
        if (directoryOffset < 0 || directorySize < 0 || directoryOffset + directorySize > length)
            throw Corrupt(name, "its central directory lies outside the file (truncated?)");
        var directory = new byte[directorySize];
        if (RandomAccess.Read(archive, directory, directoryOffset) != directory.Length) throw Corrupt(name, "short read of the central directory");

        var entries = new List<ZipEntryRecord>((int)Math.Min(count, 1 << 20));
        var span = directory.AsSpan();
        for (long i = 0; i < count; i++)
        {
            if (span.Length < CentralSize || BinaryPrimitives.ReadUInt32LittleEndian(span) != CentralSignature)
                throw Corrupt(name, $"central directory entry {i} is damaged");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
            int total = CentralSize + nameLength + extraLength + commentLength;
            if (span.Length < total) throw Corrupt(name, $"central directory entry {i} runs past the directory");
            var entry = ParseCentral(span[..total], nameLength, extraLength);
            if (entry.Size < 0 || entry.CompressedSize < 0 || entry.LocalHeaderOffset < 0 || entry.LocalHeaderOffset + prefix >= length)
                throw Corrupt(name, $"entry {entry.Name} has an impossible size or offset");
            entries.Add(prefix == 0 ? entry : entry with { LocalHeaderOffset = entry.LocalHeaderOffset + prefix });
            span = span[total..];
        }
        return entries;
    }

    /// <summary>Where an entry's data starts: after its local header, whose name and extra lengths may differ from the central ones.</summary>
    public static long DataOffset(SafeFileHandle archive, ZipEntryRecord entry)
    {
        Span<byte> local = stackalloc byte[LocalSize];
        if (RandomAccess.Read(archive, local, entry.LocalHeaderOffset) != LocalSize || BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature)
            throw new FsException(Errno.EIO, $"{entry.Name}: damaged local header");
        return entry.LocalHeaderOffset + LocalSize + BinaryPrimitives.ReadUInt16LittleEndian(local[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
    }

    private static (long Count, long Offset, long Size, long Prefix, byte[] Comment) FindDirectory(SafeFileHandle archive, long length, string name)
    {
        // The end record is the last thing in the file, followed only by a comment of at most 64 KiB.
        int tailLength = (int)Math.Min(length, EndSize + ushort.MaxValue + Zip64LocatorSize);
        var tail = new byte[tailLength];
        long tailStart = length - tailLength;
        if (RandomAccess.Read(archive, tail, tailStart) != tailLength) throw Corrupt(name, "short read");
        int end = -1;
        for (int i = tailLength - EndSize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature) { end = i; break; }
        }
        if (end < 0) throw Corrupt(name, "no end of central directory record (not a zip, or truncated)");
        var record = tail.AsSpan(end);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        int commentLength = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(record[20..]), record.Length - EndSize);
        byte[] comment = record.Slice(EndSize, commentLength).ToArray();
        // Bytes in front of the zip (a self-extractor's stub, `cat stub a.zip`) shift every offset by their length.
        long prefix = Math.Max(0, tailStart + end - (offset + size));
        bool zip64 = false;
        if (end >= Zip64LocatorSize && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end - Zip64LocatorSize)) == Zip64LocatorSignature)
        {
            long zip64End = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(end - Zip64LocatorSize + 8));
            Span<byte> z = stackalloc byte[Zip64EndSize];
            if (zip64End < 0 || RandomAccess.Read(archive, z, zip64End) != Zip64EndSize || BinaryPrimitives.ReadUInt32LittleEndian(z) != Zip64EndSignature)
                throw Corrupt(name, "damaged ZIP64 end record");
            zip64 = true;
            count = BinaryPrimitives.ReadInt64LittleEndian(z[32..]);
            size = BinaryPrimitives.ReadInt64LittleEndian(z[40..]);
            offset = BinaryPrimitives.ReadInt64LittleEndian(z[48..]);
        }
        if (size > int.MaxValue || size < 0 || offset < 0 || count < 0 || count > size / CentralSize) throw Corrupt(name, "implausible central directory size");
        if (zip64) prefix = 0;
        return (count, offset + prefix, size, prefix, comment);
    }

    private static ZipEntryRecord ParseCentral(ReadOnlySpan<byte> h, int nameLength, int extraLength)
    {
        ushort madeBy = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]), flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        ushort time = BinaryPrimitives.ReadUInt16LittleEndian(h[12..]), date = BinaryPrimitives.ReadUInt16LittleEndian(h[14..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]), size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        uint attributes = BinaryPrimitives.ReadUInt32LittleEndian(h[38..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
        var rawName = h.Slice(CentralSize, nameLength);
        string name = DecodeName(rawName, (flags & Utf8Flag) != 0);
        DateTimeOffset modified = FromDos(date, time);

        var extra = h.Slice(CentralSize + nameLength, extraLength);
        while (extra.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra), length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (extra.Length < 4 + length) break;
            var data = extra.Slice(4, length);
            switch (id)
            {
                case Zip64Extra:
                    // Only the fields whose 32-bit slot is saturated are present, in this order.
                    if (size == uint.MaxValue && data.Length >= 8) { size = BinaryPrimitives.ReadInt64LittleEndian(data); data = data[8..]; }
                    if (compressed == uint.MaxValue && data.Length >= 8) { compressed = BinaryPrimitives.ReadInt64LittleEndian(data); data = data[8..]; }
                    if (offset == uint.MaxValue && data.Length >= 8) offset = BinaryPrimitives.ReadInt64LittleEndian(data);
                    break;
                case TimestampExtra when data.Length >= 5 && (data[0] & 1) != 0:
                    modified = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt32LittleEndian(data[1..]));
                    break;
                case UnicodePathExtra when data.Length > 5 && data[0] == 1:
                    name = Encoding.UTF8.GetString(data[5..]);
                    break;
            }
            extra = extra[(4 + length)..];
        }
        return new ZipEntryRecord(name, madeBy, flags, method, crc, compressed, size, offset, attributes, modified, time, date);
    }

    /// <summary>UTF-8 when flagged or when it decodes as such (Unix zips rarely set the flag), else code page 437.</summary>
    private static string DecodeName(ReadOnlySpan<byte> raw, bool utf8)
    {
        if (utf8) return Encoding.UTF8.GetString(raw);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(437).GetString(raw);
        }
    }

    /// <summary>MS-DOS date and time, local time with 2-second resolution; 1980-01-01 when unset or invalid.</summary>
    private static DateTimeOffset FromDos(ushort date, ushort time)
    {
        int year = 1980 + (date >> 9), month = (date >> 5) & 15, day = date & 31;
        int hour = time >> 11, minute = (time >> 5) & 63, second = (time & 31) * 2;
        try
        {
            return new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Local));
        }
        catch (ArgumentOutOfRangeException)
        {
            return new DateTimeOffset(new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Local));
        }
    }

    private static FsException Corrupt(string name, string why) => new(Errno.EINVAL, $"{name}: not a readable zip archive: {why}");
}
