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
    public void Stores_through_a_shared_mapping_reach_the_host_file_at_msync_and_munmap_while_the_program_runs()
    {
        using var host = new TempDir();
        File.WriteAllText(host["f"], "0123456789");
        string at = "/tmp/ptfs-pt-" + Guid.NewGuid().ToString("N")[..8];
        // The host file is read by its real path, which the VFS never serves: what is there is what reached the host.
        var run = Ptfs.Run("mount", "--provider", "passthrough", "--source", host.Path, "--at", at, "--", "python3", "-c", $$"""
            import mmap, os
            host = lambda: open('{{host["f"]}}', 'rb').read()
            fd = os.open('{{at}}/f', os.O_RDWR); m = mmap.mmap(fd, 0); os.close(fd)
            m[0:2] = b'AB'; m.flush(); print('after msync', host(), flush=True)
            m[2:4] = b'CD'; m.close(); print('after munmap', host(), flush=True)
            fd = os.open('{{at}}/f', os.O_RDWR); m = mmap.mmap(fd, 0); os.close(fd)
            m[4:6] = b'EF'; print('still mapped', host(), flush=True)
            """);
        run.Stdout.Should().Be("after msync b'AB23456789'\nafter munmap b'ABCD456789'\nstill mapped b'ABCD456789'\n", run.Stderr);
        run.ExitCode.Should().Be(0);
        File.ReadAllText(host["f"]).Should().Be("ABCDEF6789", "what was still mapped at exit is written back then");
    }

    [Fact]
    public void Files_on_host_filesystems_mounted_below_the_source_keep_inode_numbers_of_their_own()
    {
        using var host = new TempDir();
        Directory.CreateDirectory(host["t1"]);
        Directory.CreateDirectory(host["t2"]);
        string at = "/tmp/ptfs-pt-" + Guid.NewGuid().ToString("N")[..8];
        // Two fresh tmpfs mounts number their first file alike; the private mount namespace keeps them to this test.
        var run = Ptfs.RunNative("unshare", "--mount", "sh", "-c",
            $"mount -t tmpfs none {host["t1"]} && mount -t tmpfs none {host["t2"]} && echo one > {host["t1/f"]} && echo two > {host["t2/f"]} " +
            $"&& stat -c %i {host["t1/f"]} {host["t2/f"]} | uniq | wc -l && exec \"$0\" \"$@\"",
            Ptfs.DotnetHostPath, "exec", Ptfs.Dll, "mount", "--provider", "passthrough", "--source", host.Path, "--at", at, "--",
            "sh", "-c", $"stat -c %i {at}/t1/f {at}/t2/f | uniq | wc -l; ls -i {at}/t1 | cut -d' ' -f1; stat -c %i {at}/t1/f");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4, run.Stderr);
        lines[0].Should().Be("1", "on the host both files have one number, on two devices");
        lines[1].Should().Be("2", "under one mount's st_dev, two files need two numbers");
        lines[2].Should().Be(lines[3], "a listing's d_ino is the file's st_ino");
    }

    [Fact]
    public void A_missing_source_is_a_usage_error()
    {
        var run = Ptfs.Run("mount", "--provider", "passthrough", "--source", "/nonexistent-ptfs-dir", "--at", "/tmp/x", "--", "true");
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("/nonexistent-ptfs-dir").And.Contain("ENOENT");
    }
}
