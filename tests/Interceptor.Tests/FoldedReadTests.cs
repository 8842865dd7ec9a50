using FluentAssertions;
using PtFs.Interceptor.Region;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>
/// A read served in one stop through the shared region: the handler fills the slot, the syscall is skipped
/// with its result, and the tracee's copy stub moves the bytes on its way back (tests/TestPrograms/readlab.c
/// checks every byte and every register the kernel preserves).
/// </summary>
public class FoldedReadTests
{
    private const int SYS_read = 0, VirtualFd = 1000;

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Reads_served_through_the_copy_stub_deliver_every_byte_and_preserve_registers(int threads)
    {
        using var region = new SharedRegion();
        int served = 0, fallbacks = 0;
        var handler = Serve((c, n, seed) =>
        {
            if (!c.TryGetPayloadBuffer(out var payload))
            {
                fallbacks++;
                return SyscallAction.Fail(5);
            }
            Fill(payload[..n], n, seed);
            served++;
            return SyscallAction.CompleteWithPayload(n, c.Request[1], n);
        });
        var (status, stdout, tracer) = InProcess.Run(handler, $"{TestPrograms.PathOf("readlab")} {threads}", region);

        stdout.Should().Be($"ok {threads}\n");
        status.Should().Be(0);
        fallbacks.Should().Be(0);
        served.Should().Be(threads * 20 * 7);
        tracer.Counters[StopKind.Seccomp].Should().BeGreaterThanOrEqualTo(served);
        tracer.Counters[StopKind.Injection].Should().BeLessThan(100, "a served read takes its seccomp stop and nothing else");
        region.ThreadsWithSlots.Should().Be(0, "every thread's slots are released when it is gone");
    }

    [Fact]
    public void The_same_reads_served_by_process_vm_writev_give_the_same_result()
    {
        var handler = Serve((c, n, seed) =>
        {
            var payload = new byte[n];
            Fill(payload, n, seed);
            c.WriteMemory(c.Request[1], payload);
            return SyscallAction.Complete(n);
        });
        var (status, stdout, _) = InProcess.Run(handler, $"{TestPrograms.PathOf("readlab")} 4");

        stdout.Should().Be("ok 4\n");
        status.Should().Be(0);
    }

    [Fact]
    public void A_payload_without_a_buffer_fails_the_read_with_EIO_and_the_tracer_lives_on()
    {
        using var region = new SharedRegion();
        var handler = Serve((c, n, _) => SyscallAction.CompleteWithPayload(n, c.Request[1], n));
        var (status, stdout, _) = InProcess.Run(handler, $"{TestPrograms.PathOf("readlab")} 1", region);

        stdout.Should().Be("seed 0: read 1 returned -5\n");
        status.Should().Be(1);
    }

    private static DelegateHandler Serve(Func<SyscallContext, int, int, SyscallAction> serve) =>
        new(new SeccompPolicy([], new Dictionary<int, int> { [SYS_read] = 0 }, VirtualFd), c =>
            c.Request.Int(0) == VirtualFd ? serve(c, (int)c.Request[2], (int)(c.Request[4] & 0xff)) : SyscallAction.Continue);

    private static void Fill(Span<byte> payload, int n, int seed)
    {
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)(i * 13 + n + seed);
    }
}
