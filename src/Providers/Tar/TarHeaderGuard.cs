using PtFs.Vfs;

namespace PtFs.Providers.Tar;

/// <summary>
/// Walks a tar's raw 512-byte headers before System.Formats.Tar reads it, because TarReader allocates a
/// long-name (GNU 'L'/'K') or pax ('x'/'g') header's whole declared size: a tiny compressed archive could
/// declare a 2 GB name and exhaust memory. Such headers above a sane size refuse the archive.
/// </summary>
internal static class TarHeaderGuard
{
    private const int Block = 512;
    private const long MaxMetadata = 1 << 20;

    public static void Check(Stream tar, string name)
    {
        var header = new byte[Block];
        long at = 0, length = tar.Length;
        while (at + Block <= length)
        {
            tar.Position = at;
            tar.ReadExactly(header);
            if (header.All(b => b == 0)) return; // the end-of-archive blocks
            long size = Size(header.AsSpan(124, 12));
            if (size < 0) return; // let TarReader report the damage in its own words
            if (header[156] is (byte)'L' or (byte)'K' or (byte)'x' or (byte)'g' && size > MaxMetadata)
                throw new FsException(Errno.EINVAL, $"{name}: not a readable tar archive: a {(char)header[156]} header declares {size} bytes of names or attributes");
            at += Block + (size + Block - 1) / Block * Block;
        }
    }

    /// <summary>The size field: octal, or base-256 when its top bit is set (GNU, for 8 GiB and more); -1 when unreadable.</summary>
    private static long Size(ReadOnlySpan<byte> field)
    {
        long value = 0;
        if ((field[0] & 0x80) != 0)
        {
            for (int i = 1; i < field.Length; i++) value = (value << 8) | field[i];
            return value < 0 ? -1 : value;
        }
        foreach (byte b in field)
        {
            if (b is 0 or (byte)' ') { if (value > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return -1;
            value = value * 8 + (b - '0');
        }
        return value;
    }
}
