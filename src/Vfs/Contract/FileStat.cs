namespace PtFs.Vfs;

/// <summary>
/// What stat(2) reports about a node. <see cref="Inode"/> 0 lets the VFS number it; <see cref="Mode"/>
/// holds the permission bits only (07777), the type is <see cref="Type"/>.
/// </summary>
public record struct FileStat
{
    public FileType Type { get; set; }

    public uint Mode { get; set; }

    public long Size { get; set; }

    public ulong Inode { get; set; }

    public uint Links { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public UnixTime AccessTime { get; set; }

    public UnixTime ModifyTime { get; set; }

    public UnixTime ChangeTime { get; set; }

    /// <summary>Bytes actually stored (sparse files hold less than <see cref="Size"/>); -1 means "as Size".</summary>
    public long AllocatedBytes { get; set; }

    /// <summary>
    /// st_blksize, the I/O size the file prefers (cat, cp and stdio size their buffers by it); 0 means
    /// <see cref="Kernel.StatLayout.PreferredIoSize"/>. A provider over host files reports theirs.
    /// </summary>
    public int BlockSize { get; set; }

    public static FileStat Directory(uint mode = 0x1ED /* 0755 */) => new() { Type = FileType.Directory, Mode = mode, Links = 2, AllocatedBytes = -1 };

    public static FileStat File(long size, uint mode = 0x1A4 /* 0644 */) => new() { Type = FileType.Regular, Mode = mode, Size = size, Links = 1, AllocatedBytes = -1 };
}
