using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// Programs in a mount run from a memfd; where the vm.memfd_noexec sysctl seals memfds (1) or refuses
/// executable ones (2), ptfs must still run them. The sysctl belongs to a pid namespace, so each run gets
/// its own (unshare, which brings a mount namespace too) and the machine's setting stays as it was.
/// </summary>
public class ExecWithoutExecutableMemfdsTests
{
    private const string Sysctl = "/proc/sys/vm/memfd_noexec";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_program_in_a_mount_runs_when_memfds_may_not_be_executed(int noexec)
    {
        File.Exists(Sysctl).Should().BeTrue("this kernel (6.3 or later) has the sysctl the test is about");
        using var dir = new TempDir();
        string script = $"""
            cp /bin/echo '{dir["m"]}/e' && '{dir["m"]}/e' runs && python3 -c "import mmap; f = open('{dir["m"]}/e', 'rb'); print(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)[1:4])"
            """;
        var run = Ptfs.RunNative("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
            // A noexec TMPDIR, as hardened hosts have, must be passed over for a directory that allows exec.
            $"echo {noexec} > {Sysctl} && cat {Sysctl} && mkdir {dir["noexec"]} && mount -t tmpfs -o noexec tmpfs {dir["noexec"]} && TMPDIR={dir["noexec"]} exec \"$0\" \"$@\"",
            Ptfs.DotnetHostPath, "exec", Ptfs.Dll, "mount", "--provider", "memory", "--at", dir["m"], "--", "sh", "-c", script);
        run.Stdout.Should().Be($"{noexec}\nruns\nb'ELF'\n", run.Stderr);
        run.ExitCode.Should().Be(0);
    }
}
