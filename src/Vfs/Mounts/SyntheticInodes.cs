namespace PtFs.Vfs.Mounts;

/// <summary>
/// Inode numbers for providers that number nothing: a hash of the mount and the path inside it, so stat and
/// getdents64 agree and the numbers are the same in every run. Bit 62 keeps them apart from small real ones.
/// </summary>
public static class SyntheticInodes
{
    public static ulong Of(Mount mount, string inside)
    {
        ulong h = 1469598103934665603UL ^ mount.Device;
        foreach (char ch in inside) { h ^= ch; h *= 1099511628211UL; }
        return h | 1UL << 62;
    }

    /// <summary>The provider's inode number for a node, or the synthetic one when it gives none (0).</summary>
    public static ulong Or(ulong providerInode, Mount mount, string inside) => providerInode != 0 ? providerInode : Of(mount, inside);

    /// <summary>A mount's root, as its provider numbers it or synthetically.</summary>
    public static ulong OfRoot(Mount mount) =>
        mount.Provider.GetAttributes("/", out var stat) == Errno.Ok && stat.Inode != 0 ? stat.Inode : Of(mount, "/");
}
