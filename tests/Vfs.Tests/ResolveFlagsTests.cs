using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>
/// Path resolution under openat2's RESOLVE_* flags over a memory mount at /mnt/m (with /mnt/m/inner nested), as
/// fs/namei.c walks: each case says where the walk ends, or its errno, or that the kernel is to repeat it.
/// </summary>
public class ResolveFlagsTests
{
    private const ResolveFlags X = ResolveFlags.NoXdev, M = ResolveFlags.NoMagicLinks, S = ResolveFlags.NoSymlinks,
        B = ResolveFlags.Beneath, R = ResolveFlags.InRoot, C = ResolveFlags.Cached;

    private readonly PathResolver _resolver;

    public ResolveFlagsTests()
    {
        var memory = new MemoryProvider();
        var w = (IWritableFileSystemProvider)memory;
        w.MakeDirectory("/d", 0x1ED, 0, 0);
        w.MakeDirectory("/d/e", 0x1ED, 0, 0);
        w.Create("/f", 0x1A4, 0, 0, OpenFlags.WriteOnly, out _);
        w.Symlink("d/e", "/rel", 0, 0);
        w.Symlink("/mnt/m/f", "/abs", 0, 0);
        w.Symlink("/f", "/rootf", 0, 0);
        w.Symlink("/etc", "/out", 0, 0);
        w.Symlink("../f", "/d/up", 0, 0);
        w.Symlink("../../../etc", "/d/esc", 0, 0);
        w.Symlink("/proc/self/fd/600/e", "/magic", 0, 0);
        var mounts = new MountTable();
        mounts.Add("/mnt/m", memory, "memory");
        mounts.Add("/mnt/m/inner", new MemoryProvider(), "memory");
        _resolver = new PathResolver(mounts);
    }

    // /proc/self/fd/600 is the program's virtual fd of /mnt/m/d.
    private static string? MagicLink(string real) => real == "/proc/self/fd/600" ? "/mnt/m/d" : null;

    private Resolution Resolve(string path, string start, ResolveFlags flags, bool follow = true) =>
        _resolver.Resolve(path, start, follow, restrict: flags, magicLink: MagicLink);

    public static TheoryData<string, string, ResolveFlags, string> Leads => new()
    {
        // path, start, flags, where it ends: "inside" of /mnt/m, or a real absolute path
        { "f", "/mnt/m", X, "/f" },
        { "d/..", "/mnt/m", X, "/" },
        { "m/f", "/mnt", B, "/f" },
        { "m/d/../../m/f", "/mnt", B, "/f" },
        { "d/up", "/mnt/m", B, "/f" },
        { "..", "/mnt/m", R, "/" },
        { "../../f", "/mnt/m/d", R, "/d/f" },
        { "/e", "/mnt/m/d", R, "/d/e" },
        { "rootf", "/mnt/m", R | X, "/f" },
        { "d/up", "/mnt/m", M | C, "/f" },
        { "rel", "/mnt/m", S, "/rel" }, // not followed: see below
        { "/proc/self/fd/600/e", "/", ResolveFlags.None, "/d/e" },
        { "magic", "/mnt/m", ResolveFlags.None, "/d/e" },
        { "m/d/../..", "/mnt", B, "/mnt" },
        { "m/out", "/mnt", R, "/mnt/etc" },
        { "m/..", "/mnt", S, "/mnt" },
    };

    [Theory]
    [MemberData(nameof(Leads))]
    public void Walks_that_keep_the_rules_end_where_the_kernels_would(string path, string start, ResolveFlags flags, string end)
    {
        var r = Resolve(path, start, flags, follow: path != "rel");
        r.Error.Should().Be(Errno.Ok);
        r.IsLeftToKernel.Should().BeFalse();
        (r.IsVirtual ? r.Inside : r.Absolute).Should().Be(end);
        if (r.IsVirtual) r.Mount!.Point.Should().Be("/mnt/m");
    }

    public static TheoryData<string, string, ResolveFlags, Errno> Refusals => new()
    {
        { "m", "/mnt", X, Errno.EXDEV },                 // into a mount, even as the last component
        { "inner", "/mnt/m", X, Errno.EXDEV },           // into a nested mount
        { "..", "/mnt/m", X, Errno.EXDEV },              // out of a mount's root
        { "abs", "/mnt/m", X, Errno.EXDEV },             // an absolute symlink jumps to "/", in another mount
        { "d/esc", "/mnt/m", X, Errno.EXDEV },
        { "rel", "/mnt/m", S, Errno.ELOOP },
        { "rel/", "/mnt/m", S, Errno.ELOOP },            // a trailing slash follows
        { "abs", "/mnt/m", B, Errno.EXDEV },
        { "up", "/mnt/m/d", B, Errno.EXDEV },            // ".." above the starting directory
        { "d/../..", "/mnt/m", B, Errno.EXDEV },
        { "m/../..", "/mnt", B, Errno.EXDEV },           // above it after passing through a mount: the VFS says so
        { "m/d/esc", "/mnt", B, Errno.EXDEV },
        { "abs", "/mnt/m", R, Errno.ENOENT },            // /mnt/m/f under the root /mnt/m: /mnt/m/mnt/m/f
        { "/proc/self/fd/600/e", "/", M, Errno.ELOOP },
        { "/proc/self/fd/600/e", "/", C, Errno.EAGAIN },  // the kernel cannot follow such a link without waiting
        { "/proc/self/fd/600/e", "/", X, Errno.EXDEV },
        { "/proc/self/fd/600/e", "/", S, Errno.ELOOP },
        { "/proc/self/fd/600/e", "/", R, Errno.EXDEV },  // a magic link leaves any scope
        { "magic", "/mnt/m", M, Errno.ELOOP },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Walks_that_break_a_rule_get_the_kernels_errno(string path, string start, ResolveFlags flags, Errno errno)
    {
        var r = Resolve(path, start, flags);
        r.IsLeftToKernel.Should().BeFalse("the walk had touched a mount");
        r.Error.Should().Be(errno);
    }

    [Theory]
    [InlineData("/mnt/m/f", "/mnt/m")] // absolute: refused before the walk starts
    [InlineData("..", "/mnt")]         // above a real starting directory
    [InlineData("a/../../m/f", "/mnt")]
    public void A_refusal_before_any_mount_is_left_to_the_kernel(string path, string start) =>
        Resolve(path, start, B).IsLeftToKernel.Should().BeTrue();

    [Fact]
    public void The_link_itself_is_not_followed_so_no_rule_applies_to_it()
    {
        Resolve("/proc/self/fd/600", "/", M, follow: false).Absolute.Should().Be("/proc/self/fd/600", "lstat of the link is the kernel's");
        Resolve("rel", "/mnt/m", S, follow: false).Stat.Type.Should().Be(FileType.Symlink);
    }
}
