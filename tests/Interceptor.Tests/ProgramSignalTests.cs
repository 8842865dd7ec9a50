using System.Diagnostics;
using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>Signals meant for the program reach it; ptfs outlives them and exits as the program does.</summary>
public class ProgramSignalTests
{
    private const string Waiter = "trap 'echo got-$0; exit 5' TERM INT; echo ready; while :; do sleep 0.05; done";

    [Fact]
    public void SIGTERM_sent_to_ptfs_is_handled_by_the_program()
    {
        var (exitCode, stdout) = RunAndSignal(15, "term");

        stdout.Should().Be("ready\ngot-term\n");
        exitCode.Should().Be(5);
    }

    [Fact]
    public void SIGINT_sent_to_ptfs_alone_does_not_end_the_run()
    {
        // A terminal's Ctrl-C goes to the whole process group, program included; ptfs itself ignores it.
        using var ptfs = Process.Start(Ptfs.StartInfo("trace", "-o", "/dev/null", "--", "sh", "-c", "echo ready; sleep 0.5; echo done"))!;
        ptfs.StandardOutput.ReadLine().Should().Be("ready");
        Kill(ptfs.Id, 2);

        ptfs.WaitForExit(60_000).Should().BeTrue();
        ptfs.StandardOutput.ReadToEnd().Should().Be("done\n");
        ptfs.ExitCode.Should().Be(0);
    }

    private static (int ExitCode, string Stdout) RunAndSignal(int signal, string name)
    {
        using var ptfs = Process.Start(Ptfs.StartInfo("trace", "-o", "/dev/null", "--", "sh", "-c", Waiter, name))!;
        string first = ptfs.StandardOutput.ReadLine()!;
        Kill(ptfs.Id, signal);
        ptfs.WaitForExit(60_000).Should().BeTrue("ptfs ends when the program does");
        return (ptfs.ExitCode, first + "\n" + ptfs.StandardOutput.ReadToEnd());
    }

    private static void Kill(int pid, int signal) => Native.Libc.kill(pid, signal);
}
