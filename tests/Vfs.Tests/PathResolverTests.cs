using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>Path resolution over a memory mount at /mnt/m (and one nested at /mnt/m/inner), without ptrace.</summary>
public class PathResolverTests
{
    private readonly PathResolver _resolver;

    public PathResolverTests()
    {
        var outer = new MemoryProvider();
        var w = (IWritableFileSystemProvider)outer;
        w.MakeDirectory("/d", 0x1ED, 0, 0);
        w.MakeDirectory("/d/e", 0x1ED, 0, 0);
        w.Create("/f", 0x1A4, 0, 0, OpenFlags.WriteOnly, out _);
        w.Symlink("d/e", "/rel", 0, 0);
        w.Symlink("/mnt/m/f", "/abs", 0, 0);
        w.Symlink("/etc", "/out", 0, 0);
        w.Symlink("loop", "/loop", 0, 0);
        w.Symlink("..", "/d/up", 0, 0);
        w.Symlink("/proc/self/fd/600/e", "/magic", 0, 0);
        var mounts = new MountTable();
        mounts.Add("/mnt/m", outer, "memory");
        mounts.Add("/mnt/m/inner", new MemoryProvider(), "memory");
        _resolver = new PathResolver(mounts);
    }

    public static TheoryData<string, string, bool, string> Virtual => new()
    {
        // path, start, follow, expected inside the mount
        { "/mnt/m", "/", true, "/" },
        { "/mnt/m/", "/", true, "/" },
        { "/mnt//m/./d/../f", "/", true, "/f" },
        { "f", "/mnt/m", true, "/f" },
        { "m/d/e", "/mnt", true, "/d/e" },
        { "../f", "/mnt/m/d", true, "/f" },
        { "/mnt/m/rel", "/", true, "/d/e" },
        { "/mnt/m/rel", "/", false, "/rel" },
        { "/mnt/m/rel/", "/", false, "/d/e" },
        { "/mnt/m/abs", "/", true, "/f" },
        { "/mnt/m/d/up/f", "/", true, "/f" },
        { "/mnt/m/new", "/", true, "/new" },
    };

    [Theory]
    [MemberData(nameof(Virtual))]
    public void Virtual_paths_resolve_inside_the_mount(string path, string start, bool follow, string inside)
    {
        var r = _resolver.Resolve(path, start, follow);
        r.Error.Should().Be(Errno.Ok);
        r.IsVirtual.Should().BeTrue();
        r.Mount!.Point.Should().Be("/mnt/m");
        r.Inside.Should().Be(inside);
    }

    [Theory]
    [InlineData("/mnt/m/inner/x", "/x")]
    [InlineData("/mnt/m/inner", "/")]
    public void The_longest_mount_point_wins(string path, string inside)
    {
        var r = _resolver.Resolve(path, "/", true);
        r.Mount!.Point.Should().Be("/mnt/m/inner");
        r.Inside.Should().Be(inside);
    }

    [Theory]
    [InlineData("/etc/passwd", "/", "/etc/passwd", false)]
    [InlineData("passwd", "/etc", "/etc/passwd", false)]
    [InlineData("/mnt/m/..", "/", "/mnt", true)]
    [InlineData("/mnt/m/../../etc", "/", "/etc", true)]
    [InlineData("../../../etc", "/mnt/m/d", "/etc", true)]
    [InlineData("/mnt/m/out/hosts", "/", "/etc/hosts", true)]
    public void Real_paths_go_to_the_kernel_rewritten_only_when_they_passed_a_mount(string path, string start, string absolute, bool rewritten)
    {
        var r = _resolver.Resolve(path, start, true);
        r.Error.Should().Be(Errno.Ok);
        r.IsVirtual.Should().BeFalse();
        r.Absolute.Should().Be(absolute);
        r.PassedThroughMount.Should().Be(rewritten);
    }

    [Theory]
    [InlineData("/mnt/m/nothing/x", Errno.ENOENT)]
    [InlineData("/mnt/m/f/x", Errno.ENOTDIR)]
    [InlineData("/mnt/m/f/", Errno.ENOTDIR)]
    [InlineData("/mnt/m/f/..", Errno.ENOTDIR)]
    [InlineData("/mnt/m/loop", Errno.ELOOP)]
    [InlineData("", Errno.ENOENT)]
    public void Errors_are_the_kernels(string path, Errno expected) =>
        _resolver.Resolve(path, "/", true).Error.Should().Be(expected);

    [Fact]
    public void Overlong_names_and_paths_are_ENAMETOOLONG()
    {
        _resolver.Resolve("/mnt/m/" + new string('x', 256), "/", true).Error.Should().Be(Errno.ENAMETOOLONG);
        _resolver.Resolve("/mnt/m/" + string.Concat(Enumerable.Repeat("d/", 2100)), "/", true).Error.Should().Be(Errno.ENAMETOOLONG);
    }

    [Fact]
    public void A_proc_fd_link_of_a_virtual_fd_is_followed_wherever_the_walk_meets_it()
    {
        static string? Fd600(string real) => real == "/proc/self/fd/600" ? "/mnt/m/d" : null; // the program's virtual fd 600
        _resolver.Resolve("/proc/self/fd/600/e", "/", true, magicLink: Fd600).Inside.Should().Be("/d/e");
        _resolver.Resolve("/mnt/m/magic", "/", true, magicLink: Fd600).Inside.Should().Be("/d/e", "a symlink in a mount may lead through one");
        _resolver.Resolve("/mnt/m/magic", "/", true).Absolute.Should().Be("/proc/self/fd/600/e", "without the program's fds it is a real path");
        var link = _resolver.Resolve("/proc/self/fd/600", "/", false, magicLink: Fd600);
        (link.IsVirtual, link.Absolute).Should().Be((false, "/proc/self/fd/600"), "the link itself is the kernel's");
    }

    [Fact]
    public void A_symlink_loop_in_the_last_component_is_not_followed_without_follow()
    {
        var r = _resolver.Resolve("/mnt/m/loop", "/", false);
        r.Error.Should().Be(Errno.Ok);
        r.Stat.Type.Should().Be(FileType.Symlink);
    }
}
