namespace PtFs.Vfs;

/// <summary>openat2's RESOLVE_* flags: how a path may be walked (man 2 openat2).</summary>
[Flags]
public enum ResolveFlags : ulong
{
    None = 0,

    /// <summary>EXDEV when the walk crosses a mount point, either way (mounts of the VFS count, archives entered too).</summary>
    NoXdev = 0x01,

    /// <summary>ELOOP at a /proc/PID/fd/N link.</summary>
    NoMagicLinks = 0x02,

    /// <summary>ELOOP at any symlink that would be followed.</summary>
    NoSymlinks = 0x04,

    /// <summary>EXDEV for an absolute path or symlink, a magic link, or ".." above the starting directory.</summary>
    Beneath = 0x08,

    /// <summary>The starting directory is the root: "/" and ".." above it lead to it.</summary>
    InRoot = 0x10,

    /// <summary>EAGAIN unless the walk needs nothing it would have to wait for.</summary>
    Cached = 0x20,

    All = NoXdev | NoMagicLinks | NoSymlinks | Beneath | InRoot | Cached,
}
