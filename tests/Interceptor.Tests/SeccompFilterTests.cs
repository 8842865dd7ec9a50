using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>Syscalls nobody asked for never stop; the ones asked for stop exactly once.</summary>
public class SeccompFilterTests
{
    [Fact]
    public void Untrapped_syscalls_cost_no_stops()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.openat]), _ => SyscallAction.Continue);
        var (status, stdout, tracer) = InProcess.Run(handler, $"{TestPrograms.PathOf("getppid_loop")} 100000");

        status.Should().Be(0);
        stdout.Should().StartWith("100000 calls");
        tracer.Counters.TrappedSyscalls.Should().NotContainKey(Sys.getppid);
        tracer.Counters.TotalStops.Should().BeLessThan(200, "100000 getppid calls must not stop; only startup (ld.so opens, exec, fork) does");
    }

    [Fact]
    public void A_trapped_syscall_stops_once_per_call()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), _ => SyscallAction.Continue);
        var (status, _, tracer) = InProcess.Run(handler, $"{TestPrograms.PathOf("getppid_loop")} 1000");

        status.Should().Be(0);
        // The shell's own getppid for $PPID may add one.
        tracer.Counters.TrappedSyscalls[Sys.getppid].Should().BeInRange(1000, 1001);
        tracer.Counters[StopKind.SyscallExit].Should().Be(2, "Continue takes no exit stop; only the two execs (shell, program) do");
    }

    [Fact]
    public void Fd_syscalls_stop_only_at_or_above_the_virtual_fd_floor()
    {
        const int read = 0;
        var policy = new SeccompPolicy([], new Dictionary<int, int> { [read] = 0 }, virtualFdFloor: 100);
        var seen = new List<int>();
        var handler = new DelegateHandler(policy, c => { seen.Add(c.Request.Int(0)); return SyscallAction.Continue; });
        const string script = "import os; fd = os.open('/etc/hostname', 0); os.dup2(fd, 150); " +
            "a = os.read(150, 4096); os.lseek(fd, 0, 0); b = os.read(fd, 3); print((a + b).decode(), end='')";
        var (status, stdout, _) = InProcess.Run(handler, $"python3 -c \"{script}\"");

        string hostname = File.ReadAllText("/etc/hostname");
        status.Should().Be(0);
        stdout.Should().Be(hostname + hostname[..3]);
        seen.Should().Contain(150).And.OnlyContain(fd => fd >= 100, "only reads of fds >= 100 stop (a bash wrapper's fd 255 counts)");
    }

    [Fact]
    public void Filter_program_has_arch_checks_and_one_block_per_rule()
    {
        var filter = SeccompFilterBuilder.Build(new SeccompPolicy([2, 257], new Dictionary<int, int> { [0] = 0 }, 512));
        filter.Should().HaveCount(6 + 7 + 6 + 2 * 2 + 1);
        filter[0].K.Should().Be(4, "seccomp_data.arch is at offset 4");
        filter[1].K.Should().Be(0xC000003E, "the arch check comes first");
        filter[6].K.Should().Be(435, "then clone3, which always stops (its flags are in memory)");
        filter[10].K.Should().Be(0x00800000, "and clone only with CLONE_UNTRACED");
        filter[14].K.Should().Be(16, "an fd rule loads the low half of seccomp_data.args[0]");
        filter[^1].K.Should().Be(0x7fff0000, "everything else is allowed");
    }
}
