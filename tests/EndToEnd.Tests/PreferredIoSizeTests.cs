using FluentAssertions;
using PtFs.Interceptor.Region;
using PtFs.Vfs.Kernel;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// st_blksize is the I/O size programs size their buffers by: a virtual file prefers one payload slot, so that
/// cat makes a stop per MiB, not per 128 KiB; a host file seen through passthrough keeps the host's.
/// </summary>
public class PreferredIoSizeTests
{
    [Fact]
    public void Cat_reads_a_virtual_file_a_slot_at_a_time_and_gets_every_byte()
    {
        using var dir = new TempDir();
        var bytes = new byte[4 << 20];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(dir["disk"], bytes);
        string expected = Ptfs.RunNative("sh", "-c", $"sha256sum < {dir["disk"]}").Stdout;

        var run = Ptfs.Run("mount", "--provider", "memory", "--at", dir["m"], "--stats-json", dir["stats.json"], "--", "sh", "-c",
            $"cp {dir["disk"]} {dir["m"]}/f && stat -c %o {dir["m"]}/f && python3 -c \"import os; print(os.stat('{dir["m"]}/f').st_blksize)\" && cat {dir["m"]}/f | sha256sum");

        run.Stdout.Should().Be($"{StatLayout.PreferredIoSize}\n{StatLayout.PreferredIoSize}\n{expected}");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["stats.json"]));
        long reads = json.RootElement.GetProperty("served").GetProperty("read").GetInt64();
        reads.Should().BeLessThanOrEqualTo(4 + 1, "cat reads 1 MiB at a time, then the end of the file (with 4096 it read 128 KiB)");
    }

    [Fact]
    public void The_preferred_io_size_is_one_payload_slot()
    {
        // The VFS cannot see the region's layout (it knows no tracer), so the two constants are tied here:
        // a read larger than a slot leaves the fast path for process_vm_writev.
        StatLayout.PreferredIoSize.Should().Be(RegionLayout.SlotDataSize);
    }

    [Fact]
    public void A_host_file_through_passthrough_keeps_the_hosts_io_size()
    {
        using var host = new TempDir();
        File.WriteAllText(host["f"], "x");
        string native = Ptfs.RunNative("stat", "-c", "%o", host["f"]).Stdout;
        string at = "/tmp/ptfs-blksize-" + Guid.NewGuid().ToString("N")[..8];

        var run = Ptfs.Run("mount", "--provider", "passthrough", "--source", host.Path, "--at", at, "--", "stat", "-c", "%o", $"{at}/f");

        run.Stdout.Should().Be(native);
        native.Should().NotBe($"{StatLayout.PreferredIoSize}\n", "the host's own size, so the test tells the two apart");
    }
}
