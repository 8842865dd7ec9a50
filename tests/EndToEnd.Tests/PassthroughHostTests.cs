using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>The passthrough provider's mount is the host directory: what was there is seen, what is done stays.</summary>
public class PassthroughHostTests
{
    [Fact]
    public void The_program_sees_the_host_files_and_its_changes_reach_the_host()
    {
        using var host = new TempDir();
        File.WriteAllText(host["before"], "from the host\n");
        Directory.CreateDirectory(host["dir"]);
        string at = "/tmp/ptfs-pt-" + Guid.NewGuid().ToString("N")[..8];

        var run = Ptfs.Run("mount", "--provider", "passthrough", "--source", host.Path, "--at", at, "--",
            "/bin/sh", "-c", $"cat {at}/before && echo new > {at}/dir/made && mv {at}/before {at}/after && ls {at}");

        run.Stdout.Should().Be("from the host\nafter\ndir\n");
        run.ExitCode.Should().Be(0);
        File.ReadAllText(host["dir/made"]).Should().Be("new\n");
        File.Exists(host["after"]).Should().BeTrue();
        File.Exists(host["before"]).Should().BeFalse();
    }

    [Fact]
    public void A_missing_source_is_a_usage_error()
    {
        var run = Ptfs.Run("mount", "--provider", "passthrough", "--source", "/nonexistent-ptfs-dir", "--at", "/tmp/x", "--", "true");
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("/nonexistent-ptfs-dir").And.Contain("ENOENT");
    }
}
