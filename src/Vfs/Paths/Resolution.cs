using PtFs.Vfs.Mounts;

namespace PtFs.Vfs;

/// <summary>
/// Where a path leads. <see cref="Mount"/> null: a real path for the kernel (<see cref="Absolute"/>; it
/// must be given to the kernel in that form when <see cref="PassedThroughMount"/>). Otherwise the node
/// <see cref="Inside"/> the mount, which may not exist (<see cref="Exists"/>) when only its parent did.
/// </summary>
public sealed record Resolution(Errno Error, Mount? Mount, string Inside, string Absolute, bool Exists, FileStat Stat, bool TrailingSlash, bool PassedThroughMount)
{
    public bool IsVirtual => Mount is not null;

    /// <summary>
    /// A refusal the kernel makes too, before the path reaches any mount (an absolute path, or ".." above the
    /// starting directory, under RESOLVE_BENEATH): the syscall goes to the kernel as the program wrote it.
    /// </summary>
    public bool IsLeftToKernel { get; private init; }

    public static Resolution LeftToKernel { get; } = new(Errno.Ok, null, "", "", true, default, false, false) { IsLeftToKernel = true };

    public static Resolution Failed(Errno error) => new(error, null, "", "", false, default, false, false);
}
