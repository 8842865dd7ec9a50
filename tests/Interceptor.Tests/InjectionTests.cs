using FluentAssertions;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>Syscalls run inside a stopped tracee: results come back, registers and signals are kept.</summary>
public class InjectionTests
{
    [Fact]
    public void Injected_syscalls_at_a_seccomp_stop_return_their_results_and_leave_registers_alone()
    {
        var results = new List<long>();
        int pid = 0;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (!IsProgram(c.Pid, "regcheck")) return SyscallAction.Continue; // not the shell's $PPID lookup
            pid = c.Pid;
            results.Add(c.Inject(Sys.getpid));
            results.Add(c.Inject(Sys.gettid));
            results.Add(c.Inject(Sys.getpid));
            return SyscallAction.Complete(results[0] + 1);
        });
        var (_, stdout, tracer) = InProcess.Run(handler, $"{TestPrograms.PathOf("regcheck")} {Sys.getppid}");

        stdout.Should().Be($"result={pid + 1} clobbered=none\n");
        results.Should().Equal(pid, pid, pid);
        tracer.Counters.InjectedSyscalls.Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public void After_injections_the_programs_own_syscall_still_runs_when_continued()
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            c.Inject(Sys.getpid);
            return SyscallAction.Continue;
        });
        var (_, stdout, _) = InProcess.Run(handler, $"{TestPrograms.PathOf("regcheck")} {Sys.getppid}");
        stdout.Should().MatchRegex(@"^result=[1-9][0-9]* clobbered=none\n$", "getppid returned the real parent after the injection");
    }

    [Fact]
    public void A_signal_arriving_during_injection_is_delivered_once_afterwards()
    {
        const int SIGUSR1 = 10;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (!IsProgram(c.Pid, "signal_count")) return SyscallAction.Continue; // not the shell's $PPID lookup
            c.Inject(Sys.getpid);
            Libc.tgkill(c.Pid, c.Tid, SIGUSR1);
            long pid = c.Inject(Sys.getpid); // the signal is pending while this runs: held, then re-sent
            return SyscallAction.Complete(pid);
        });
        var (status, stdout, tracer) = InProcess.Run(handler, TestPrograms.PathOf("signal_count"));

        status.Should().Be(0);
        stdout.Should().MatchRegex(@"^result=[1-9][0-9]* delivered=1\n$");
        tracer.Counters[StopKind.Signal].Should().BeGreaterThan(0);
    }

    [Fact]
    public void An_injected_syscall_interrupted_by_a_signal_is_retried_and_the_signal_delivered_once()
    {
        const int SIGUSR1 = 10, ppoll = 271;
        long result = 1;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (!IsProgram(c.Pid, "signal_count")) return SyscallAction.Continue;
            // ppoll with no fds and a 300 ms timeout: a signal ends it with ERESTARTNOHAND.
            ulong timeout = c.StackScratch(16);
            c.WriteMemory(timeout, BitConverter.GetBytes(0L).Concat(BitConverter.GetBytes(300_000_000L)).ToArray());
            int pid = c.Pid, tid = c.Tid;
            var sender = new Thread(() => { Thread.Sleep(50); Libc.tgkill(pid, tid, SIGUSR1); });
            sender.Start();
            result = c.Inject(ppoll, 0, 0, timeout, 0, 8);
            sender.Join();
            return SyscallAction.Complete(123);
        });
        var (status, stdout, _) = InProcess.Run(handler, TestPrograms.PathOf("signal_count"));

        status.Should().Be(0);
        result.Should().Be(0, "the interrupted ppoll was run again until its timeout");
        stdout.Should().Be("result=123 delivered=1\n");
    }

    [Fact]
    public void A_decision_made_after_injections_applies_to_its_own_call_not_to_a_signal_handlers()
    {
        const int SIGUSR1 = 10;
        int pid = 0;
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (!IsProgram(c.Pid, "replay_signal") || c.Request[0] != 1) return SyscallAction.Continue;
            pid = c.Pid;
            Libc.tgkill(c.Pid, c.Tid, SIGUSR1); // its handler runs before the rewound getppid(1) comes back
            c.Inject(Sys.getpid);
            return SyscallAction.Rewrite(Sys.getpid);
        });
        var (status, stdout, _) = InProcess.Run(handler, TestPrograms.PathOf("replay_signal"));

        status.Should().Be(0);
        var parts = stdout.Trim().Split(' ').Select(p => long.Parse(p.Split('=')[1])).ToArray();
        parts[0].Should().Be(pid, "getppid(1) was rewritten to getpid");
        parts[1].Should().NotBe(pid).And.BePositive("the handler's getppid(2) was decided on its own and ran as getppid");
    }

    [Theory]
    [InlineData("exit", "", 5)]
    [InlineData("exec", "new image\n", 0)]
    public void A_thread_that_ends_or_replaces_the_process_during_an_injection_hangs_nothing(string mode, string output, int exitCode)
    {
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (!IsProgram(c.Pid, "thread_leaves")) return SyscallAction.Continue;
            Thread.Sleep(300); // the other thread leaves while this stop is being handled
            c.Inject(Sys.getpid);
            return SyscallAction.Complete(0);
        });
        var (status, stdout, _) = InProcess.Run(handler, $"{TestPrograms.PathOf("thread_leaves")} {mode}");

        status.Should().Be(exitCode);
        stdout.Should().Be(output);
    }

    [Fact]
    public void Injection_at_exec_runs_in_the_new_image()
    {
        var pids = new List<long>();
        var handler = new DelegateHandler(SeccompPolicy.None, _ => SyscallAction.Continue)
        {
            OnExecImage = c => pids.Add(c.Inject(Sys.getpid) - c.Pid),
        };
        var (status, _, _) = InProcess.Run(handler, "sh -c 'exec true'; true");

        status.Should().Be(0);
        pids.Should().NotBeEmpty().And.OnlyContain(d => d == 0, "getpid injected after each exec returns the process's own pid");
    }

    private static bool IsProgram(int pid, string name) =>
        Path.GetFileName(new FileInfo($"/proc/{pid}/exe").LinkTarget) == name;
}
