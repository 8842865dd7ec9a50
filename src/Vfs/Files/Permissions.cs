using PtFs.Vfs.Dispatch;

namespace PtFs.Vfs;

/// <summary>
/// The kernel's permission rules (generic_permission) for a node and a process: owner, group or other
/// bits; root passes everything but executing a file no one may execute.
/// </summary>
public static class Permissions
{
    public const int Read = 4, Write = 2, Execute = 1;
    private const uint Sticky = 0x200; // 01000

    public static bool Allows(in FileStat stat, Credentials who, int want)
    {
        if (who.IsRoot)
            return (want & Execute) == 0 || stat.Type == FileType.Directory || (stat.Mode & 0x49) != 0;
        uint bits = who.Uid == stat.Uid ? (stat.Mode >> 6) & 7 : who.InGroup(stat.Gid) ? (stat.Mode >> 3) & 7 : stat.Mode & 7;
        return (bits & want) == want;
    }

    /// <summary>Whether <paramref name="who"/> may remove or rename <paramref name="victim"/> out of <paramref name="parent"/> (the sticky bit).</summary>
    public static bool MayDelete(in FileStat parent, in FileStat victim, Credentials who) =>
        (parent.Mode & Sticky) == 0 || who.IsRoot || who.Uid == victim.Uid || who.Uid == parent.Uid;

    /// <summary>
    /// fs.protected_hardlinks (on by default): a hard link to a file one does not own needs read and write
    /// access to it, and it must be a regular file that is neither set-user-id nor set-group-id-executable.
    /// </summary>
    public static bool MayLink(in FileStat source, Credentials who)
    {
        const uint SetUserId = 0x800, SetGroupIdExecutable = 0x408; // 04000, 02010
        if (who.IsRoot || who.Uid == source.Uid) return true;
        bool safe = source.Type == FileType.Regular && (source.Mode & SetUserId) == 0 && (source.Mode & SetGroupIdExecutable) != SetGroupIdExecutable;
        return safe && Allows(source, who, Read | Write);
    }

    /// <summary>chmod, and utimensat with explicit times: the owner or root.</summary>
    public static bool IsOwner(in FileStat stat, Credentials who) => who.IsRoot || who.Uid == stat.Uid;
}
