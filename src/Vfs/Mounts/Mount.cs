namespace PtFs.Vfs.Mounts;

/// <summary>A provider served at an absolute, normalized path. <see cref="Device"/> is its st_dev.</summary>
public sealed class Mount(string point, IFileSystemProvider provider, string name, ulong device)
{
    public string Point { get; } = point;

    public IFileSystemProvider Provider { get; } = provider;

    /// <summary>The provider's registered name, for messages.</summary>
    public string Name { get; } = name;

    public ulong Device { get; } = device;

    public IWritableFileSystemProvider? Writable => Provider as IWritableFileSystemProvider;

    public override string ToString() => $"{Name} at {Point}";
}
