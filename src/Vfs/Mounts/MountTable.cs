namespace PtFs.Vfs.Mounts;

/// <summary>
/// Where providers are mounted. Several at once, nested ones too; the longest mount point that is a
/// prefix of a path wins. Mount points need not exist on disk.
/// </summary>
public sealed class MountTable
{
    // st_dev of mount i: major 0 (anonymous, like tmpfs and FUSE), minor from 200 up.
    private const ulong FirstMinor = 200;
    private readonly List<Mount> _mounts = [];
    private ulong _added; // every mount ever added, retired ones too: a device number is never given twice

    public IReadOnlyList<Mount> Mounts => _mounts;

    /// <summary>Serves archive files as directories wherever they lie, when set.</summary>
    public IArchiveOpener? Archives { get; set; }

    /// <summary>Archive mounts whose file changed or went away: no path leads to them, open files still may.</summary>
    public List<Mount> Retired { get; } = [];

    public Mount Add(string point, IFileSystemProvider provider, string name) => Add(point, provider, name, overArchive: false);

    /// <summary>
    /// The archive mount over the real file <paramref name="absolute"/>, made on first use; null when
    /// archives are not served, the name does not match, or the file is not a readable archive.
    /// </summary>
    public Mount? EnterArchive(string absolute)
    {
        if (Archives is not { } opener || !opener.Matches(PathText.Name(absolute))) return null;
        if (_mounts.FirstOrDefault(m => m.Point == absolute) is { } existing) return existing;
        return opener.Open(absolute) is { } provider ? Add(absolute, provider, opener.ProviderName, overArchive: true) : null;
    }

    private Mount Add(string point, IFileSystemProvider provider, string name, bool overArchive)
    {
        string normalized = PathText.Normalize(point);
        if (!normalized.StartsWith('/')) throw new ArgumentException($"a mount point must be absolute: {point}", nameof(point));
        if (_mounts.Any(m => m.Point == normalized)) throw new ArgumentException($"{normalized} is mounted already", nameof(point));
        var mount = new Mount(normalized, provider, name, Encode(FirstMinor + _added++), overArchive);
        _mounts.Add(mount);
        _mounts.Sort((a, b) => b.Point.Length.CompareTo(a.Point.Length)); // longest first
        return mount;
    }

    /// <summary>The mount <paramref name="path"/> (absolute, normalized) lies in, and the path inside it.</summary>
    public Mount? Find(string path, out string inside)
    {
        foreach (var mount in _mounts)
        {
            if (!PathText.IsWithin(path, mount.Point, out inside)) continue;
            if (mount.OverArchive && Archives?.IsCurrent(mount.Point) == false)
            {
                // The archive was rewritten or replaced: the next lookup opens what is there now.
                _mounts.Remove(mount);
                Retired.Add(mount);
                return Find(path, out inside);
            }
            return mount;
        }
        inside = "";
        return null;
    }

    /// <summary>Mounts whose mount point lies directly inside <paramref name="directory"/> (absolute, normalized).</summary>
    public IEnumerable<Mount> MountsIn(string directory) =>
        _mounts.Where(m => m.Point != "/" && !m.OverArchive && PathText.Parent(m.Point) == directory);

    // Linux's new_encode_dev: minor's low byte, major, minor's high bits.
    private static ulong Encode(ulong minor) => (minor & 0xff) | ((minor & ~0xffUL) << 12);
}
