using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs;

/// <summary>
/// Resolves a program's path the way the kernel would, component by component, in the namespace the
/// program sees: real directories (left to the kernel, only followed lexically) with mounts on top.
/// Inside a mount it checks every directory, follows symlinks (40 hops, then ELOOP), and lets ".." leave
/// a mount root for the real parent. The real directories a walk passes on its way into a mount need
/// search permission too: the kernel would have checked them.
/// </summary>
/// <param name="realStat">stat(2) of a real path (tests give their own).</param>
public sealed class PathResolver(MountTable mounts, Func<string, FileStat?>? realStat = null)
{
    private readonly Func<string, FileStat?> _realStat = realStat ?? Kernel.HostStat.Of;

    public const int PathMax = 4096, NameMax = 255, MaxSymlinkHops = 40;

    /// <param name="path">As the program gave it (not empty).</param>
    /// <param name="start">Absolute directory a relative path starts from (cwd or the dirfd's directory).</param>
    /// <param name="followFinal">Follow a symlink in the last component (stat, open without O_NOFOLLOW).</param>
    /// <param name="who">Who looks: each virtual directory passed through needs search (x) permission. Asked lazily.</param>
    /// <param name="wantDirectory">
    /// The call needs a directory (chdir, O_DIRECTORY): an archive served where it lies is entered even
    /// when its name comes last without a slash, as a shell's logical <c>cd ..</c> names it.
    /// </param>
    /// <param name="restrict">openat2's RESOLVE_* flags; <paramref name="start"/> is the root of a scoped walk.</param>
    /// <param name="magicLink">
    /// The virtual file a real path like /proc/self/fd/N names (a virtual fd of the program), else null: the
    /// walk follows it as the kernel follows such a link, where the kernel would find only the fd's placeholder.
    /// </param>
    /// <returns>
    /// Where the path leads, an errno, or <see cref="Resolution.LeftToKernel"/>: a RESOLVE_* refusal met before
    /// the walk touched any mount, which the kernel repeats on the path as written (or meets a real error first).
    /// </returns>
    public Resolution Resolve(string path, string start, bool followFinal, Func<Credentials>? who = null, bool wantDirectory = false,
        ResolveFlags restrict = ResolveFlags.None, Func<string, string?>? magicLink = null)
    {
        if (path.Length == 0) return Resolution.Failed(Errno.ENOENT);
        if (path.Length >= PathMax) return Resolution.Failed(Errno.ENAMETOOLONG);
        var rules = WalkRules.For(restrict, start);
        bool trailingSlash = path.EndsWith('/');
        var pending = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        string current = !path.StartsWith('/') || rules.InRoot ? start : "/";
        int hops = 0;
        Mount? mount = mounts.Find(current, out string inside);
        bool passedThrough = mount is not null;
        Resolution Refused(Errno errno) => passedThrough ? Resolution.Failed(errno) : Resolution.LeftToKernel;
        if (path.StartsWith('/') && rules.Beneath) return Refused(Errno.EXDEV);
        FileStat stat = default;
        bool exists = true;
        List<string>? realSearched = null; // real directories looked into since the walk was last in a mount
        if (mount is not null)
        {
            var errno = mount.Provider.GetAttributes(inside, out stat);
            // A working directory removed under the program: its ".." still leads to the parent, as the
            // kernel's dentry does; anything else in it is gone. (A scoped walk starts at its root, which ".." never leaves.)
            while (errno == Errno.ENOENT && !rules.Scoped && pending.TryPeek(out string? up) && up == "..")
            {
                pending.Dequeue();
                current = PathText.Parent(current);
                mount = mounts.Find(current, out inside);
                if (mount is null) break;
                errno = mount.Provider.GetAttributes(inside, out stat);
            }
            if (mount is not null && errno != Errno.Ok) return Resolution.Failed(errno);
        }

        // Where an absolute symlink or a magic link starts the walk again.
        Errno JumpTo(string root)
        {
            (current, mount) = (root, mounts.Find(root, out inside));
            return mount is null ? Errno.Ok : mount.Provider.GetAttributes(inside, out stat);
        }

        while (pending.TryDequeue(out string? name))
        {
            bool last = pending.Count == 0;
            if (mount is not null && stat.Type != FileType.Directory) return Resolution.Failed(Errno.ENOTDIR);
            if (mount is not null && who is not null && !Permissions.Allows(stat, who(), Permissions.Execute)) return Resolution.Failed(Errno.EACCES);
            if (name == ".") { if (last) break; continue; }
            if (name.Length > NameMax) return Resolution.Failed(Errno.ENAMETOOLONG);
            if (mount is null) (realSearched ??= []).Add(current);
            if (name == ".." && current == rules.Root && rules.Beneath) return Refused(Errno.EXDEV);
            // ".." at the root stays there (the kernel's follow_dotdot).
            string next = name != ".." ? PathText.Combine(current, name) : current == rules.Root ? current : PathText.Parent(current);
            bool follows = !last || followFinal || trailingSlash;
            var nextMount = mounts.Find(next, out string nextInside);
            bool throughName = !last || trailingSlash || name == ".." || wantDirectory;
            if (nextMount is null && throughName && name != ".." && mounts.EnterArchive(next) is { } archive) (nextMount, nextInside) = (archive, "/");
            if (nextMount is { OverArchive: true } && nextInside == "/" && !throughName) nextMount = null; // the archive file itself
            if (rules.NoXdev && nextMount != mount) return Resolution.Failed(Errno.EXDEV); // into a mount, or out through ".."
            if (nextMount is null && follows && magicLink?.Invoke(next) is { } linked)
            {
                // Never the kernel's to follow: it would find the placeholder behind the fd.
                passedThrough = true;
                var refused = rules.AtMagicLink();
                if (refused != Errno.Ok) return Resolution.Failed(refused);
                if (++hops > MaxSymlinkHops) return Resolution.Failed(Errno.ELOOP);
                realSearched?.Clear(); // the program's own /proc/self/fd, which the tracer cannot judge for it
                pending = new Queue<string>(linked.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(pending));
                var rootErrno = JumpTo("/"); // the file's absolute path, as the fd table keeps it
                if (rootErrno != Errno.Ok) return Resolution.Failed(rootErrno);
                continue;
            }
            if (nextMount is null)
            {
                current = next;
                mount = null;
                continue;
            }
            if (realSearched is { Count: > 0 } && who is not null && !MaySearch(realSearched, who())) return Resolution.Failed(Errno.EACCES);
            realSearched?.Clear();
            passedThrough |= !last || name == "..";
            var errno = nextMount.Provider.GetAttributes(nextInside, out var nextStat);
            if (errno == Errno.ENOENT && last && name != "..")
            {
                (current, mount, inside, exists, stat) = (next, nextMount, nextInside, false, default);
                break;
            }
            if (errno != Errno.Ok) return Resolution.Failed(errno);
            if (nextStat.Type == FileType.Symlink && follows)
            {
                if (rules.NoSymlinks) return Resolution.Failed(Errno.ELOOP);
                if (++hops > MaxSymlinkHops) return Resolution.Failed(Errno.ELOOP);
                errno = nextMount.Provider.ReadLink(nextInside, out string target);
                if (errno != Errno.Ok) return Resolution.Failed(errno);
                if (target.Length == 0) return Resolution.Failed(Errno.ENOENT);
                pending = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(pending));
                passedThrough = true;
                if (target.StartsWith('/'))
                {
                    // An absolute target starts again at the root: never beneath, and a mount crossing unless the
                    // root is in this very mount.
                    if (rules.Beneath) return Resolution.Failed(Errno.EXDEV);
                    if (rules.NoXdev && mounts.Find(rules.Root, out _) != mount) return Resolution.Failed(Errno.EXDEV);
                    var rootErrno = JumpTo(rules.Root);
                    if (rootErrno != Errno.Ok) return Resolution.Failed(rootErrno);
                }
                continue;
            }
            (current, mount, inside, stat) = (next, nextMount, nextInside, nextStat);
        }

        if (mount is null) return new Resolution(Errno.Ok, null, "", current, true, default, trailingSlash, passedThrough);
        if (realSearched is { Count: > 0 } && who is not null && !MaySearch(realSearched, who())) return Resolution.Failed(Errno.EACCES);
        if (trailingSlash && exists && stat.Type != FileType.Directory) return Resolution.Failed(Errno.ENOTDIR);
        return new Resolution(Errno.Ok, mount, inside, current, exists, stat, trailingSlash, passedThrough);
    }

    /// <summary>Search permission on each real directory (skipped for a process whose capabilities bypass it).</summary>
    private bool MaySearch(List<string> directories, Credentials who)
    {
        if (who.OverridesPermissions || who.ReadsAndSearchesAll) return true;
        foreach (string directory in directories.Distinct())
        {
            if (_realStat(directory) is { } stat && !Permissions.Allows(stat with { Type = FileType.Directory }, who, Permissions.Execute)) return false;
        }
        return true;
    }
}
