using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>Completing and rewriting syscalls: the program sees the result and nothing else changes.</summary>
public class SyscallActionTests
{
    private static string RegCheck(int number) => $"{TestPrograms.PathOf("regcheck")} {number}";

    [Fact]
    public void Native_run_of_the_register_check_changes_no_register()
    {
        Ptfs.RunNative(TestPrograms.PathOf("regcheck"), Sys.getppid.ToString()).Stdout.Should().EndWith("clobbered=none\n");
    }

    [Fact]
    public void A_completed_syscall_returns_the_result_and_preserves_every_other_register()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), _ => SyscallAction.Complete(4242));
        var (status, stdout, tracer) = InProcess.Run(handler, RegCheck(Sys.getppid));

        status.Should().Be(0);
        stdout.Should().Be("result=4242 clobbered=none\n");
        tracer.Counters[StopKind.SyscallExit].Should().Be(2, "completion takes the seccomp stop only; the two execs take one each");
    }

    [Fact]
    public void A_failed_syscall_returns_minus_errno()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), _ => SyscallAction.Fail(13));
        InProcess.Run(handler, RegCheck(Sys.getppid)).Stdout.Should().Be("result=-13 clobbered=none\n");
    }

    [Fact]
    public void A_rewritten_syscall_runs_the_new_one_and_restores_the_arguments()
    {
        int? pid = null;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            pid = c.Pid;
            return SyscallAction.Rewrite(Sys.getpid, 1, 2, 3, 4, 5, 6);
        });
        var (_, stdout, _) = InProcess.Run(handler, RegCheck(Sys.getppid));

        stdout.Should().Be($"result={pid} clobbered=none\n", "getpid ran in getppid's place with other arguments, all restored");
    }

    [Fact]
    public void An_observed_syscall_reports_its_result_and_may_replace_it()
    {
        long? seen = null;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), _ => SyscallAction.Observe)
        {
            OnExit = (c, result) => { seen = result; return 77; },
        };
        var (_, stdout, _) = InProcess.Run(handler, RegCheck(Sys.getppid));

        stdout.Should().Be("result=77 clobbered=none\n");
        seen.Should().BePositive("the real getppid ran and returned the shell's pid");
    }

    [Fact]
    public void A_handler_that_throws_gives_the_program_EIO_and_the_tracer_lives_on()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), _ => throw new InvalidOperationException("provider bug"));
        var (status, stdout, _) = InProcess.Run(handler, RegCheck(Sys.getppid));

        status.Should().Be(0);
        stdout.Should().Be("result=-5 clobbered=none\n");
    }
}
