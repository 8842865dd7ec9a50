namespace PtFs.Vfs;

/// <summary>
/// What openat2's RESOLVE_* flags forbid on a walk, where its root is, and which errno each refusal gets, in
/// the order the kernel checks them (fs/namei.c: pick_link, nd_jump_link, nd_jump_root, follow_dotdot).
/// </summary>
internal readonly record struct WalkRules(ResolveFlags Flags, string Root)
{
    /// <summary>RESOLVE_BENEATH and RESOLVE_IN_ROOT make the starting directory the root; otherwise it is "/".</summary>
    public static WalkRules For(ResolveFlags flags, string start) => new(flags, IsScoped(flags) ? start : "/");

    public bool Scoped => IsScoped(Flags);

    public bool Beneath => Flags.HasFlag(ResolveFlags.Beneath);

    public bool InRoot => Flags.HasFlag(ResolveFlags.InRoot);

    public bool NoXdev => Flags.HasFlag(ResolveFlags.NoXdev);

    public bool NoSymlinks => Flags.HasFlag(ResolveFlags.NoSymlinks);

    /// <summary>
    /// Following a /proc/PID/fd/N link: a symlink first, then one the kernel cannot follow without waiting (its
    /// answer to RESOLVE_CACHED), then a magic link, which always leaves the mount it is in and the scope.
    /// </summary>
    public Errno AtMagicLink() =>
        NoSymlinks ? Errno.ELOOP
        : Flags.HasFlag(ResolveFlags.Cached) ? Errno.EAGAIN
        : Flags.HasFlag(ResolveFlags.NoMagicLinks) ? Errno.ELOOP
        : NoXdev || Scoped ? Errno.EXDEV
        : Errno.Ok;

    private static bool IsScoped(ResolveFlags flags) => (flags & (ResolveFlags.Beneath | ResolveFlags.InRoot)) != 0;
}
