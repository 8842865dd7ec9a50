namespace PtFs.Vfs.Mounts;

/// <summary>A provider served at an absolute, normalized path. <see cref="Device"/> is its st_dev.</summary>
public sealed class Mount(string point, IFileSystemProvider provider, string name, ulong device, bool overArchive = false)
{
    public string Point { get; } = point;

    public IFileSystemProvider Provider { get; } = provider;

    /// <summary>The provider's registered name, for messages.</summary>
    public string Name { get; } = name;

    public ulong Device { get; } = device;

    /// <summary>
    /// Mounted over a real archive file by an <see cref="IArchiveOpener"/>: the point is the archive itself,
    /// so only paths that go through it (<c>a.zip/</c>, <c>a.zip/x</c>) are inside.
    /// </summary>
    public bool OverArchive { get; } = overArchive;

    /// <summary>The provider's writing side, or null when the mount is read-only.</summary>
    public IWritableFileSystemProvider? Writable => Provider is IWritableFileSystemProvider { IsReadOnly: false } writable ? writable : null;

    public override string ToString() => $"{Name} at {Point}";
}
