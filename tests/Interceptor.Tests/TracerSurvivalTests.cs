using System.Diagnostics;
using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>ptfs never leaves a traced process behind, and says so clearly when it cannot trace.</summary>
public class TracerSurvivalTests
{
    [Fact]
    public void Killing_ptfs_with_SIGKILL_leaves_no_traced_process_alive()
    {
        using var dir = new TempDir();
        string pids = dir["pids"];
        using var ptfs = Process.Start(Ptfs.StartInfo("trace", "-o", "/dev/null", "--", "sh", "-c",
            $"sleep 60 & echo $! >> {pids}; sh -c 'echo $$ >> {pids}; sleep 60' & echo $$ >> {pids}; wait"))!;
        var deadline = Stopwatch.StartNew();
        while ((!File.Exists(pids) || File.ReadAllLines(pids).Length < 3) && deadline.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(50);
        var traced = File.ReadAllLines(pids).Select(int.Parse).ToList();
        traced.Should().HaveCount(3);
        traced.Should().OnlyContain(pid => IsAlive(pid));

        ptfs.Kill();
        ptfs.WaitForExit();

        deadline.Restart();
        while (traced.Any(IsAlive) && deadline.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        traced.Where(IsAlive).Should().BeEmpty("PTRACE_O_EXITKILL takes every tracee down with the tracer");
    }

    [Fact]
    public void Tracing_a_program_that_is_already_traced_fails_with_a_clear_message()
    {
        // The inner ptfs's child is auto-attached by the outer ptfs, so the inner one cannot seize it.
        var result = Ptfs.Run("trace", "-o", "/dev/null", "--", Ptfs.DotnetHostPath, "exec", Ptfs.Dll, "trace", "--", "true");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("ptfs: cannot trace the program: the kernel refused ptrace (EPERM)");
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
