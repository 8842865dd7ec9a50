namespace PtFs.Providers.Archives;

/// <summary>
/// Turns a member name from an archive into a path inside the mount. Hostile names cannot leave it: a
/// leading '/' is dropped, "." and empty components vanish, and ".." climbs at most to the root (what
/// bsdtar and unzip do when they strip dangerous paths). Null means the name names nothing but the root.
/// </summary>
public static class ArchivePath
{
    /// <summary>Linux's NAME_MAX and PATH_MAX, in bytes: a longer member could never be reached by a program.</summary>
    public const int NameMax = 255, PathMax = 4096;

    /// <summary>Whether a normalized path fits Linux's limits (longer members are left out with a warning).</summary>
    public static bool Fits(string path) =>
        System.Text.Encoding.UTF8.GetByteCount(path) < PathMax && path.Split('/').All(p => System.Text.Encoding.UTF8.GetByteCount(p) <= NameMax);

    public static string? Normalize(string name)
    {
        var parts = new List<string>();
        foreach (string part in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : "/" + string.Join('/', parts);
    }
}
