namespace PtFs.Vfs;

/// <summary>What statfs(2) reports. <see cref="Type"/> is the f_type magic (tmpfs by default).</summary>
public readonly record struct FsStats(
    long BlockSize, long TotalBlocks, long FreeBlocks, long TotalInodes, long FreeInodes,
    long Type = 0x01021994, long MaxNameLength = 255)
{
    public static FsStats Default => new(4096, 1L << 20, 1L << 19, 1L << 20, 1L << 19);
}
