using PtFs.Vfs;
using PtFs.Vfs.Kernel;

namespace PtFs.Providers.Archives;

/// <summary>
/// Whose an archive's members are: the archive file's owner and group (as fuse-zip and archivemount show
/// them), with the archive's modification time for directories no member describes.
/// </summary>
public readonly record struct ArchiveOwner(uint Uid, uint Gid, UnixTime Modified)
{
    public static ArchiveOwner Of(string path) =>
        HostStat.Of(path) is { } stat ? new ArchiveOwner(stat.Uid, stat.Gid, stat.ModifyTime) : new ArchiveOwner(0, 0, UnixTime.Now);

    /// <summary>A directory that only member names imply: 0755, the archive's time.</summary>
    public FileStat Directory() => Stat(0x1ED, Modified) with { Type = FileType.Directory, Links = 2 };

    /// <summary>A member's attributes (type and links are the caller's).</summary>
    public FileStat Stat(uint permissions, UnixTime modified) => new()
    {
        Mode = permissions,
        Uid = Uid,
        Gid = Gid,
        AccessTime = modified,
        ModifyTime = modified,
        ChangeTime = modified,
        AllocatedBytes = -1,
    };
}
