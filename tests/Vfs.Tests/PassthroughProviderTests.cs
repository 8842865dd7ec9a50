using FluentAssertions;
using PtFs.Providers.Passthrough;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>The passthrough provider never reaches outside its host directory, whatever path it is handed.</summary>
public sealed class PassthroughProviderTests : IDisposable
{
    private readonly string _host = Path.Combine(Path.GetTempPath(), "ptfs-host-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly PassthroughProvider _provider;

    public PassthroughProviderTests()
    {
        Directory.CreateDirectory(Path.Combine(_host, "d"));
        File.WriteAllText(Path.Combine(_host, "d", "f"), "inside");
        File.CreateSymbolicLink(Path.Combine(_host, "out"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_host, "up"), "..");
        _provider = new PassthroughProvider(new MountSettings(_host, new Dictionary<string, string>()));
    }

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_host, recursive: true);
    }

    [Theory]
    [InlineData("/out/passwd")]
    [InlineData("/up/etc/passwd")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/d/../../etc/passwd")]
    public void Paths_that_would_leave_the_directory_fail_instead(string path)
    {
        _provider.Open(path, OpenFlags.ReadOnly, out _).Should().BeOneOf(Errno.ELOOP, Errno.EXDEV);
        _provider.GetAttributes(path, out _).Should().BeOneOf(Errno.ELOOP, Errno.EXDEV);
        ((IWritableFileSystemProvider)_provider).Unlink(path).Should().BeOneOf(Errno.ELOOP, Errno.EXDEV);
        File.Exists("/etc/passwd").Should().BeTrue();
    }

    [Fact]
    public void Symlinks_are_reported_as_they_are_for_the_VFS_to_resolve()
    {
        _provider.GetAttributes("/out", out var stat).Should().Be(Errno.Ok);
        stat.Type.Should().Be(FileType.Symlink);
        _provider.ReadLink("/out", out string target).Should().Be(Errno.Ok);
        target.Should().Be("/etc");
    }

    [Fact]
    public void Files_inside_are_served_with_their_host_attributes()
    {
        _provider.GetAttributes("/d/f", out var stat).Should().Be(Errno.Ok);
        stat.Size.Should().Be(6);
        var coreutils = Ptfs.RunNative("stat", "-c", "%i %h %a", Path.Combine(_host, "d", "f"));
        coreutils.Stdout.Trim().Should().Be($"{stat.Inode} {stat.Links} {Convert.ToString(stat.Mode, 8)}");
    }
}
