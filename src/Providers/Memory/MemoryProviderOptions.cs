namespace PtFs.Providers.Memory;

/// <summary>Who owns the empty tree a memory mount starts with.</summary>
public sealed class MemoryProviderOptions
{
    public uint Uid { get; set; }

    public uint Gid { get; set; }

    /// <summary>The root directory's permission bits (tmpfs's default, 01777, would let anyone create files).</summary>
    public uint RootMode { get; set; } = 0x1ED; // 0755
}
