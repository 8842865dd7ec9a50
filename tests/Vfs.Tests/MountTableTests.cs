using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

public class MountTableTests
{
    [Fact]
    public void An_archive_entered_again_after_it_was_rewritten_gets_a_device_number_no_live_mount_has()
    {
        var archives = new Archives();
        var mounts = new MountTable { Archives = archives };
        mounts.Add("/m", new MemoryProvider(), "memory");
        var first = mounts.EnterArchive("/data/a.zip")!;
        mounts.EnterArchive("/data/b.zip").Should().NotBeNull();

        archives.Rewritten = "/data/a.zip";
        mounts.Find("/data/a.zip/x", out _).Should().BeNull("the rewritten archive's mount is retired at the next lookup");
        var again = mounts.EnterArchive("/data/a.zip")!;

        again.Should().NotBeSameAs(first, "a rewritten archive is opened anew");
        var devices = new[] { mounts.Find("/m/x", out _)!.Device, mounts.Find("/data/b.zip/x", out _)!.Device, again.Device };
        devices.Should().OnlyHaveUniqueItems("two live mounts with one st_dev would make their inode numbers collide");
        again.Device.Should().NotBe(first.Device);
    }

    private sealed class Archives : IArchiveOpener
    {
        public string? Rewritten { get; set; }

        public bool Matches(string name) => name.EndsWith(".zip", StringComparison.Ordinal);

        public IFileSystemProvider? Open(string absolute)
        {
            if (absolute == Rewritten) Rewritten = null; // what is there now is opened, and current
            return new MemoryProvider();
        }

        public bool IsCurrent(string absolute) => absolute != Rewritten;

        public string ProviderName => "zip";
    }
}
