using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary><c>ptfs trace</c> prints the program's file syscalls as they happened, on disk.</summary>
public class TraceCommandTests
{
    [Fact]
    public void Trace_shows_opens_reads_and_failures_with_decoded_arguments()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["hello.txt"], "hello, world\n");
        var result = Ptfs.Run("trace", "--", "cat", dir["hello.txt"], dir["missing"]);

        result.ExitCode.Should().Be(1, "cat fails on the missing file, as it would untraced");
        result.Stdout.Should().Be("hello, world\n", "the trace never mixes with the program's stdout");
        var lines = result.Stderr.Split('\n');
        lines.Should().Contain(l => l.EndsWith($"openat(AT_FDCWD, \"{dir["hello.txt"]}\", O_RDONLY) = 3"));
        lines.Should().Contain(l => l.EndsWith($"openat(AT_FDCWD, \"{dir["missing"]}\", O_RDONLY) = -1 ENOENT (No such file or directory)"));
        lines.Should().Contain(l => l.Contains("(1, \"hello, world\\n\", 13) = 13"), "the write to stdout shows its bytes");
    }

    [Fact]
    public void Trace_to_a_file_leaves_stderr_to_the_program_and_stats_summarize_the_run()
    {
        using var dir = new TempDir();
        var result = Ptfs.Run("trace", "-o", dir["trace"], "--stats", "--", "sh", "-c", "cat /etc/hostname >/dev/null; echo err >&2");

        result.ExitCode.Should().Be(0);
        result.Stderr.Should().Be("err\n");
        string trace = File.ReadAllText(dir["trace"]);
        trace.Should().Contain("openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3");
        trace.Should().Contain("+++ exited with 0 +++");
        trace.Should().Contain("ptfs stats: wall time").And.Contain("Seccomp").And.Contain("openat");
    }

    [Fact]
    public void Trace_decodes_execve_of_children_and_their_exit()
    {
        var result = Ptfs.Run("trace", "--", "sh", "-c", "/bin/true a b; exit 3");

        result.ExitCode.Should().Be(3);
        result.Stderr.Should().MatchRegex(@"execve\(""/bin/true"", \[""/bin/true"", ""a"", ""b""\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0");
        result.Stderr.Should().Contain("+++ exited with 3 +++");
    }
}
