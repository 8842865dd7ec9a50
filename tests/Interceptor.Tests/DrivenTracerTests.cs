using FluentAssertions;
using PtFs.Interceptor.Region;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>
/// A tracer driven step by step from the test's own thread: a handler pauses a syscall, the driver looks at
/// the stopped tracee and decides, the program sees that decision.
/// </summary>
public class DrivenTracerTests
{
    private const int SYS_read = 0, VirtualFd = 1000, EACCES = 13;

    [Fact]
    public void The_driver_sees_the_paused_syscall_and_its_decision_reaches_the_program()
    {
        using var dir = new TempDir();
        string probe = dir["probe"];
        File.WriteAllText(probe, "secret");
        var tracer = new Tracer(PauseOpenOf(probe));
        tracer.Start(new TracerLaunch("/bin/sh", ["-c", $"cat '{probe}' > '{dir["out"]}' 2>&1; echo \"cat=$?\" >> '{dir["out"]}'"]));

        var paused = new List<string?>();
        while (tracer.RunUntilPaused() is { } context)
        {
            paused.Add(context.ReadString(context.Request[1]));
            tracer.Resume(SyscallAction.Fail(EACCES));
        }

        paused.Should().Equal(probe);
        tracer.ExitStatus.Should().Be(0);
        File.ReadAllText(dir["out"]).Should().Be($"cat: {probe}: Permission denied\ncat=1\n");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Reads_paused_and_resumed_with_a_payload_deliver_every_byte(int threads)
    {
        using var dir = new TempDir();
        using var region = new SharedRegion();
        var tracer = new Tracer(new DelegateHandler(new SeccompPolicy([], new Dictionary<int, int> { [SYS_read] = 0 }, VirtualFd),
            c => c.Request.Int(0) == VirtualFd ? SyscallAction.Pause : SyscallAction.Continue), region);
        tracer.Start(new TracerLaunch("/bin/sh", ["-c", $"{TestPrograms.PathOf("readlab")} {threads} > '{dir["out"]}'"]));

        int served = 0;
        while (tracer.RunUntilPaused() is { } c)
        {
            int n = (int)c.Request[2], seed = (int)(c.Request[4] & 0xff);
            c.TryGetPayloadBuffer(out var payload).Should().BeTrue();
            for (int i = 0; i < n; i++) payload[i] = (byte)(i * 13 + n + seed);
            tracer.Resume(SyscallAction.CompleteWithPayload(n, c.Request[1], n));
            served++;
        }

        File.ReadAllText(dir["out"]).Should().Be($"ok {threads}\n");
        tracer.ExitStatus.Should().Be(0);
        served.Should().Be(threads * 20 * 7);
    }

    [Fact]
    public void A_pause_with_nobody_driving_fails_that_syscall_with_EIO()
    {
        using var dir = new TempDir();
        string probe = dir["probe"];
        File.WriteAllText(probe, "secret");
        var (status, stdout, _) = InProcess.Run(PauseOpenOf(probe), $"{{ cat '{probe}' 2>&1; echo \"cat=$?\"; }}");

        stdout.Should().Be($"cat: {probe}: Input/output error\ncat=1\n");
        status.Should().Be(0);
    }

    [Fact]
    public void The_driving_calls_refuse_misuse_with_a_clear_error()
    {
        using var dir = new TempDir();
        string probe = dir["probe"];
        File.WriteAllText(probe, "");
        var tracer = new Tracer(PauseOpenOf(probe));

        tracer.Invoking(t => t.RunUntilPaused()).Should().Throw<InvalidOperationException>().WithMessage("*Start*");
        tracer.Start(new TracerLaunch("/bin/cat", [probe]));
        tracer.Invoking(t => t.Resume(SyscallAction.Continue)).Should().Throw<InvalidOperationException>().WithMessage("no syscall is paused");
        var context = tracer.RunUntilPaused();
        context.Should().NotBeNull();

        Exception? elsewhere = null;
        var other = new Thread(() => elsewhere = Record.Exception(() => tracer.Resume(SyscallAction.Continue)));
        other.Start();
        other.Join();
        elsewhere.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("thread");
        tracer.Invoking(t => t.RunUntilPaused()).Should().Throw<InvalidOperationException>().WithMessage("*paused*");
        tracer.Invoking(t => t.Resume(SyscallAction.Pause)).Should().Throw<ArgumentException>();

        tracer.Resume(SyscallAction.Continue);
        tracer.RunUntilPaused().Should().BeNull();
        tracer.ExitStatus.Should().Be(0);
    }

    private static DelegateHandler PauseOpenOf(string path) =>
        new(new SeccompPolicy([Sys.openat]), c => c.ReadString(c.Request[1]) == path ? SyscallAction.Pause : SyscallAction.Continue);
}
