using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>fork, exec, pipelines, threads and job control behave under the tracer as without it.</summary>
public class ProcessTreeTests
{
    [Theory]
    [InlineData("seq 1 100000 | sort -n | tail -1")]
    [InlineData("for i in 1 2 3 4 5; do sh -c 'echo $0' $i; done | tr '\\n' ,")]
    [InlineData("(echo a; sh -c 'echo b >&2') 2>&1 | sort")]
    [InlineData("cat /etc/passwd | wc -l; ls / | head -3")]
    public void Pipelines_and_subshells_print_what_they_print_untraced(string script)
    {
        var native = Ptfs.RunNative("sh", "-c", script);
        var traced = Ptfs.Run("trace", "-o", "/dev/null", "--", "sh", "-c", script);
        traced.ExitCode.Should().Be(native.ExitCode);
        traced.Stdout.Should().Be(native.Stdout);
    }

    [Fact]
    public void Python_with_16_threads_opening_files_completes_with_every_open_seen()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 16; i++) File.WriteAllText(dir[$"file-{i}"], $"content {i}\n");
        string script = $$"""
            import threading
            out = [None] * 16
            def work(i):
                for _ in range(20):
                    with open('{{dir.Path}}/file-%d' % i) as f:
                        out[i] = f.read()
            threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(''.join(out), end='')
            """;
        string trace = dir["trace"];
        var result = Ptfs.Run("trace", "-o", trace, "--", "python3", "-c", script);

        result.ExitCode.Should().Be(0);
        result.Stdout.Should().Be(string.Concat(Enumerable.Range(0, 16).Select(i => $"content {i}\n")));
        var lines = File.ReadAllLines(trace);
        for (int i = 0; i < 16; i++)
            lines.Count(l => l.Contains($"openat(AT_FDCWD, \"{dir.Path}/file-{i}\", O_RDONLY|O_CLOEXEC) = ")).Should().Be(20, $"file-{i} was opened 20 times");
        lines.Select(l => l.Split(']')[0]).Distinct().Count().Should().BeGreaterThan(16, "every thread's syscalls are attributed to its own tid");
    }

    [Fact]
    public void A_traced_child_stopped_with_SIGSTOP_continues_on_SIGCONT_and_finishes()
    {
        const string script = """
            sleep 1 & pid=$!
            kill -STOP $pid
            sleep 0.3
            state=$(grep '^State:' /proc/$pid/status | cut -f2 | cut -c1)
            kill -CONT $pid
            wait $pid
            echo "stopped-state=$state exit=$?"
            """;
        var native = Ptfs.RunNative("sh", "-c", script);
        var traced = Ptfs.Run("trace", "-o", "/dev/null", "--", "sh", "-c", script);

        native.Stdout.Should().Be("stopped-state=T exit=0\n");
        // A stopped tracee shows 't' (tracing stop) where an untraced one shows 'T': both are stopped.
        traced.Stdout.Should().BeOneOf("stopped-state=T exit=0\n", "stopped-state=t exit=0\n");
        traced.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Exec_from_a_non_leader_thread_runs_the_new_program()
    {
        const string script = "import threading, os\n" +
            "t = threading.Thread(target=lambda: os.execv('/bin/echo', ['echo', 'from-thread']))\n" +
            "t.start(); t.join()\n";
        var traced = Ptfs.Run("trace", "-o", "/dev/null", "--", "python3", "-c", script);

        traced.Stdout.Should().Be("from-thread\n");
        traced.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Posix_spawn_vfork_children_are_followed()
    {
        using var dir = new TempDir();
        const string script = "import os\n" +
            "pids = [os.posix_spawn('/bin/echo', ['echo', 'spawned', str(i)], os.environ) for i in range(5)]\n" +
            "print(sum(os.waitpid(p, 0)[1] for p in pids))\n";
        var traced = Ptfs.Run("trace", "-o", dir["trace"], "--", "python3", "-c", script);

        traced.ExitCode.Should().Be(0);
        traced.Stdout.Split('\n').Should().Contain("0").And.Contain(Enumerable.Range(0, 5).Select(i => $"spawned {i}"));
        File.ReadAllText(dir["trace"]).Should().Contain("execve(\"/bin/echo\", [\"echo\", \"spawned\", \"4\"]");
    }
}
