using PtFs.Vfs.Dispatch;

namespace PtFs.Vfs;

/// <summary>
/// The kernel's permission rules (generic_permission and friends) for a node and a process: owner, group
/// or other bits, and the capabilities that override them (which root has unless it dropped them).
/// </summary>
public static class Permissions
{
    public const int Read = 4, Write = 2, Execute = 1;
    private const uint Sticky = 0x200; // 01000

    public static bool Allows(in FileStat stat, Credentials who, int want)
    {
        uint bits = who.Uid == stat.Uid ? (stat.Mode >> 6) & 7 : who.InGroup(stat.Gid) ? (stat.Mode >> 3) & 7 : stat.Mode & 7;
        if ((bits & want) == want) return true;
        bool directory = stat.Type == FileType.Directory;
        // CAP_DAC_OVERRIDE: everything but executing a file that no one may execute.
        if (who.OverridesPermissions && ((want & Execute) == 0 || directory || (stat.Mode & 0x49) != 0)) return true;
        // CAP_DAC_READ_SEARCH: reading anything, and searching directories.
        return who.ReadsAndSearchesAll && (want & Write) == 0 && ((want & Execute) == 0 || directory);
    }

    /// <summary>Whether <paramref name="who"/> may remove or rename <paramref name="victim"/> out of <paramref name="parent"/> (the sticky bit).</summary>
    public static bool MayDelete(in FileStat parent, in FileStat victim, Credentials who) =>
        (parent.Mode & Sticky) == 0 || who.ActsAsOwner || who.Uid == victim.Uid || who.Uid == parent.Uid;

    /// <summary>
    /// fs.protected_hardlinks (on by default): a hard link to a file one does not own needs read and write
    /// access to it, and it must be a regular file that is neither set-user-id nor set-group-id-executable.
    /// </summary>
    public static bool MayLink(in FileStat source, Credentials who)
    {
        const uint SetUserId = 0x800, SetGroupIdExecutable = 0x408; // 04000, 02010
        if (who.ActsAsOwner || who.Uid == source.Uid) return true;
        bool safe = source.Type == FileType.Regular && (source.Mode & SetUserId) == 0 && (source.Mode & SetGroupIdExecutable) != SetGroupIdExecutable;
        return safe && Allows(source, who, Read | Write);
    }

    /// <summary>chmod, and utimensat with explicit times: the owner or root.</summary>
    public static bool IsOwner(in FileStat stat, Credentials who) => who.ActsAsOwner || who.Uid == stat.Uid;
}
