using System.Runtime.InteropServices;
using FluentAssertions;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>
/// The classic ptrace requests through the typed API, on memlab paused at its getppid(buf, len, gap, ro, seed)
/// by a tracer driven from the test's thread (the thread ptrace answers).
/// </summary>
public class PtraceApiTests
{
    private const int EIO = 5;

    [Fact]
    public void Peek_tells_a_word_of_all_ones_from_a_failure()
    {
        var (stdout, status) = WithPausedMemlab(c =>
        {
            ulong buf = c.Request[0];
            Ptrace.PokeData(c.Tid, buf, -1).Should().Be(0);
            Ptrace.PeekData(c.Tid, buf, out long word).Should().Be(0, "a word of all ones is a value, not an error");
            word.Should().Be(-1);
            Ptrace.PeekData(c.Tid, c.Request[2], out _).Should().Be(EIO, "the gap is unmapped");
            Ptrace.PeekData(c.Tid, c.Request[3], out long readOnly).Should().Be(0);
            readOnly.Should().Be(BitConverter.ToInt64([.. Enumerable.Range(0, 8).Select(i => (byte)(i * 3 + (int)c.Request[4]))]));
            return SyscallAction.Complete(0);
        });
        status.Should().Be(0);
        stdout.Should().StartWith("seed=0 result=0 ");
    }

    [Fact]
    public void PeekText_sees_the_syscall_instruction_and_PokeText_writes_a_read_only_page()
    {
        var (stdout, _) = WithPausedMemlab(c =>
        {
            Ptrace.PeekText(c.Tid, c.Registers.rip - 2, out long code).Should().Be(0);
            (code & 0xffff).Should().Be(0x050f, "syscall is 0f 05");
            Ptrace.PokeText(c.Tid, c.Request[3], 0x0102030405060708).Should().Be(0);
            Ptrace.PeekText(c.Tid, c.Request[3], out long written).Should().Be(0);
            written.Should().Be(0x0102030405060708);
            return SyscallAction.Complete(0);
        });
        var readOnlyPage = Enumerable.Range(0, 4096).Select(i => (byte)(i * 3)).ToArray();
        BitConverter.GetBytes(0x0102030405060708L).CopyTo(readOnlyPage, 0);
        stdout.Should().EndWith($" ro={Fnv.Hex(readOnlyPage)}\n", "the program sees the word written into its read-only page");
    }

    [Fact]
    public void PeekUser_reads_and_PokeUser_writes_the_registers_in_struct_user()
    {
        int raxOffset = (int)Marshal.OffsetOf<UserRegs>(nameof(UserRegs.rax)), origRaxOffset = (int)Marshal.OffsetOf<UserRegs>(nameof(UserRegs.orig_rax));
        var (stdout, status) = WithPausedMemlab(c =>
        {
            Ptrace.PeekUser(c.Tid, (ulong)origRaxOffset, out long number).Should().Be(0);
            number.Should().Be(Sys.getppid);
            Ptrace.PeekUser(c.Tid, (ulong)Marshal.OffsetOf<UserRegs>(nameof(UserRegs.rsi)), out long length).Should().Be(0);
            length.Should().Be(65536);
            // Skip the syscall by hand: orig_rax = -1, and rax is what the program gets.
            Ptrace.PokeUser(c.Tid, (ulong)origRaxOffset, -1).Should().Be(0);
            Ptrace.PokeUser(c.Tid, (ulong)raxOffset, 4242).Should().Be(0);
            Ptrace.PokeUser(c.Tid, 4096, 0).Should().Be(EIO, "past the end of struct user");
            return SyscallAction.Continue;
        });
        status.Should().Be(0);
        stdout.Should().StartWith("seed=0 result=4242 ");
    }

    [Fact]
    public void Kill_ends_the_tracee_and_the_tracer_reports_SIGKILL()
    {
        var (stdout, status) = WithPausedMemlab(c =>
        {
            Ptrace.Kill(c.Tid).Should().Be(0);
            return SyscallAction.Continue;
        });
        stdout.Should().BeEmpty();
        status.Should().Be(128 + Constants.SIGKILL);
    }

    private static (string Stdout, int? Status) WithPausedMemlab(Func<SyscallContext, SyscallAction> atPause)
    {
        using var dir = new TempDir();
        var tracer = new Tracer(new DelegateHandler(new SeccompPolicy([Sys.getppid]), c => c.Request[1] == 65536 ? SyscallAction.Pause : SyscallAction.Continue));
        tracer.Start(new TracerLaunch("/bin/sh", ["-c", $"exec {TestPrograms.PathOf("memlab")} 1 0 0 > '{dir["out"]}'"]));
        while (tracer.RunUntilPaused() is { } context) tracer.Resume(atPause(context));
        return (File.ReadAllText(dir["out"]), tracer.ExitStatus);
    }
}
