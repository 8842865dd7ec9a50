namespace PtFs.Vfs;

/// <summary>A real directory's fd, and how many of the mount point names have been listed after the kernel's entries.</summary>
public sealed class MountListing(string absolute)
{
    public string Absolute { get; } = absolute;

    public int Listed { get; set; }
}
