using System.Buffers.Binary;

namespace PtFs.Vfs.Kernel;

/// <summary>
/// struct stat (x86_64, 144 bytes) and struct statx (256 bytes) as the kernel writes them, from a
/// <see cref="FileStat"/>. st_blocks counts 512-byte units.
/// </summary>
public static class StatLayout
{
    public const int StatSize = 144, StatxSize = 256;
    public const uint StatxBasicStats = 0x7ff;

    /// <summary>
    /// The st_blksize of files whose provider names none: one payload slot of the shared region (1 MiB, as NFS
    /// reports its rsize). Every read costs a stop, so cat, which reads max(st_blksize, 128 KiB) at a time,
    /// makes 8 times fewer of them than with 4096 (bench/run, workload 1).
    /// </summary>
    public const int PreferredIoSize = 1 << 20;

    public static void WriteStat(Span<byte> b, in FileStat s, ulong device)
    {
        b[..StatSize].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(b[0..], device);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], s.Inode);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], s.Links);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], Mode(s));
        BinaryPrimitives.WriteUInt32LittleEndian(b[28..], s.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(b[32..], s.Gid);
        BinaryPrimitives.WriteInt64LittleEndian(b[48..], s.Size);
        BinaryPrimitives.WriteInt64LittleEndian(b[56..], IoSize(s));
        BinaryPrimitives.WriteInt64LittleEndian(b[64..], Blocks(s));
        WriteTimespec(b[72..], s.AccessTime);
        WriteTimespec(b[88..], s.ModifyTime);
        WriteTimespec(b[104..], s.ChangeTime);
    }

    public static void WriteStatx(Span<byte> b, in FileStat s, ulong device)
    {
        b[..StatxSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(b[0..], StatxBasicStats);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)IoSize(s));
        BinaryPrimitives.WriteUInt32LittleEndian(b[16..], s.Links);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], s.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], s.Gid);
        BinaryPrimitives.WriteUInt16LittleEndian(b[28..], (ushort)Mode(s));
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], s.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(b[40..], s.Size);
        BinaryPrimitives.WriteInt64LittleEndian(b[48..], Blocks(s));
        WriteStatxTime(b[64..], s.AccessTime);
        WriteStatxTime(b[96..], s.ChangeTime);
        WriteStatxTime(b[112..], s.ModifyTime);
        // st_dev as major:minor (new_encode_dev's inverse).
        BinaryPrimitives.WriteUInt32LittleEndian(b[136..], (uint)((device >> 8) & 0xfff));
        BinaryPrimitives.WriteUInt32LittleEndian(b[140..], (uint)((device & 0xff) | ((device >> 12) & ~0xffUL)));
    }

    /// <summary>The attributes in a struct stat the kernel wrote (for providers that ask the host).</summary>
    public static FileStat ReadStat(ReadOnlySpan<byte> b)
    {
        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(b[24..]);
        return new FileStat
        {
            Type = (FileType)(mode & 0xF000),
            Mode = mode & 0xFFF,
            Inode = BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            Links = (uint)BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
            Uid = BinaryPrimitives.ReadUInt32LittleEndian(b[28..]),
            Gid = BinaryPrimitives.ReadUInt32LittleEndian(b[32..]),
            Size = BinaryPrimitives.ReadInt64LittleEndian(b[48..]),
            BlockSize = (int)BinaryPrimitives.ReadInt64LittleEndian(b[56..]),
            AllocatedBytes = BinaryPrimitives.ReadInt64LittleEndian(b[64..]) * 512,
            AccessTime = ReadTimespec(b[72..]),
            ModifyTime = ReadTimespec(b[88..]),
            ChangeTime = ReadTimespec(b[104..]),
        };
    }

    public static uint Mode(in FileStat s) => (uint)s.Type | (s.Mode & 0xFFF);

    private static int IoSize(in FileStat s) => s.BlockSize > 0 ? s.BlockSize : PreferredIoSize;

    private static long Blocks(in FileStat s) => ((s.AllocatedBytes < 0 ? s.Size : s.AllocatedBytes) + 511) / 512;

    private static void WriteTimespec(Span<byte> b, UnixTime t)
    {
        BinaryPrimitives.WriteInt64LittleEndian(b, t.Seconds);
        BinaryPrimitives.WriteInt64LittleEndian(b[8..], t.Nanoseconds);
    }

    private static UnixTime ReadTimespec(ReadOnlySpan<byte> b) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(b), (uint)BinaryPrimitives.ReadInt64LittleEndian(b[8..]));

    private static void WriteStatxTime(Span<byte> b, UnixTime t)
    {
        BinaryPrimitives.WriteInt64LittleEndian(b, t.Seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], t.Nanoseconds);
    }
}
