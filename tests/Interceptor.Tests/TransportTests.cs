using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FluentAssertions;
using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Region;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>
/// Every transport against the same tracee memory (tests/TestPrograms/memlab.c): unaligned and page-crossing
/// ranges, an unmapped page, a read-only page; in one thread, 16 threads, both sides of a fork, and after the
/// tracee closed all its fds.
/// </summary>
public class TransportTests
{
    private const int Len = 65536, Page = 4096, EFAULT = 14;
    private const int WriteAt = 5, WriteLength = 10000, GapSpill = 50, ReadOnlyWrite = 64;

    public static TheoryData<string> Transports => new() { "ptrace_peekpoke", "proc_mem", "process_vm", "shared_region", "fast_peek_poke" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void Single_thread(string transport) => Check(transport, threads: 1, fork: false, closeAll: false);

    [Theory]
    [MemberData(nameof(Transports))]
    public void Sixteen_threads(string transport) => Check(transport, threads: 16, fork: false, closeAll: false);

    [Theory]
    [MemberData(nameof(Transports))]
    public void Parent_and_child_after_fork_each_see_their_own_memory(string transport) => Check(transport, threads: 2, fork: true, closeAll: false);

    [Theory]
    [MemberData(nameof(Transports))]
    public void After_the_tracee_closed_all_its_fds(string transport) => Check(transport, threads: 1, fork: false, closeAll: true);

    [Theory]
    [MemberData(nameof(Transports))]
    public void In_a_process_image_that_replaced_another_by_exec(string transport) => Check(transport, threads: 1, fork: false, closeAll: false, execs: 2);

    private static void Check(string transportName, int threads, bool fork, bool closeAll, int execs = 0)
    {
        using var procMem = new ProcMemTransport();
        using var region = new SharedRegion();
        IMemoryTransport? fixedTransport = transportName switch
        {
            "ptrace_peekpoke" => PtracePeekPokeTransport.Instance,
            "proc_mem" => procMem,
            "process_vm" => ProcessVmTransport.Instance,
            _ => null, // the shared region and FastPeekData/FastPokeData work through the stopped thread's context
        };
        bool writesReadOnly = transportName is "ptrace_peekpoke" or "proc_mem";
        var failures = new ConcurrentBag<string>();
        var handler = new DelegateHandler(new SeccompPolicy([Sys.getppid]), c =>
        {
            if (c.Request[1] != Len) return SyscallAction.Continue; // the shell's own getppid
            var transport = fixedTransport ?? (transportName == "fast_peek_poke" ? new FastPeekPoke(c) : c.RegionTransport);
            if (c.Process.ExecCount < execs) failures.Add($"process {c.Pid} shows {c.Process.ExecCount} execs, expected {execs}");
            if (transport is null) failures.Add($"process {c.Pid} (exec #{c.Process.ExecCount}) has no shared region");
            else Exercise(transport, c.Tid, c.Request, writesReadOnly, failures);
            return SyscallAction.Complete(0);
        });
        string memlab = $"{TestPrograms.PathOf("memlab")} {threads} {(fork ? 1 : 0)} {(closeAll ? 1 : 0)}";
        // sh execs sh, which execs memlab: each exec must map the region again into the new image.
        var (status, stdout, _) = InProcess.Run(handler, execs > 0 ? $"exec sh -c 'exec {memlab}'" : memlab,
            transportName == "shared_region" ? region : null);

        status.Should().Be(0);
        failures.Should().BeEmpty();
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(fork ? 2 * threads : threads);
        foreach (string line in lines)
        {
            var m = Regex.Match(line, @"^seed=(\d+) result=0 buf=([0-9a-f]+) low=([0-9a-f]+) ro=([0-9a-f]+)$");
            m.Success.Should().BeTrue(line);
            long seed = long.Parse(m.Groups[1].Value);
            var (buf, low, ro) = ExpectedAfterWrites(seed, writesReadOnly);
            m.Groups[2].Value.Should().Be(Fnv.Hex(buf), $"seed {seed}: the buffer holds the written bytes");
            m.Groups[3].Value.Should().Be(Fnv.Hex(low), $"seed {seed}: the write stopped at the unmapped page");
            m.Groups[4].Value.Should().Be(Fnv.Hex(ro), $"seed {seed}: the read-only page is written only where the mechanism allows");
        }
    }

    private static void Exercise(IMemoryTransport t, int tid, SyscallRequest r, bool writesReadOnly, ConcurrentBag<string> failures)
    {
        ulong buf = r[0], gap = r[2], ro = r[3];
        long seed = (long)r[4];
        var pattern = Pattern(seed);
        void Expect(bool ok, string what) { if (!ok) failures.Add($"{t.Name} seed {seed}: {what}"); }

        foreach (var (offset, length) in new[] { (3, Len - 7), (4090, 20), (1, 8191), (8, 1), (0, Len), (Len - 13, 13) })
        {
            var got = new byte[length];
            var result = t.Read(tid, buf + (ulong)offset, got);
            Expect(result == Transfer.Done(length), $"read {offset}+{length} returned {result}");
            Expect(got.AsSpan().SequenceEqual(pattern.AsSpan(offset, length)), $"read {offset}+{length} bytes differ");
        }

        var beforeGap = new byte[300];
        var partial = t.Read(tid, gap - 100, beforeGap);
        Expect(partial == new Transfer(100, EFAULT), $"read into the gap returned {partial}");
        Expect(beforeGap.AsSpan(0, 100).SequenceEqual(LowPage(seed).AsSpan(Page - 100)), "bytes before the gap differ");

        var write = t.Write(tid, buf + WriteAt, Written(WriteLength));
        Expect(write == Transfer.Done(WriteLength), $"write returned {write}");
        var spill = t.Write(tid, gap - GapSpill, Written(2 * GapSpill));
        Expect(spill == new Transfer(GapSpill, EFAULT), $"write into the gap returned {spill}");
        var readOnly = t.Write(tid, ro, Written(ReadOnlyWrite));
        Expect(readOnly == (writesReadOnly ? Transfer.Done(ReadOnlyWrite) : new Transfer(0, EFAULT)), $"write to a read-only page returned {readOnly}");
    }

    /// <summary>The paper's API seen as a transport.</summary>
    private sealed class FastPeekPoke(SyscallContext context) : IMemoryTransport
    {
        public string Name => "fast_peek_poke";

        public Transfer Read(int tid, ulong address, Span<byte> destination) => context.FastPeekData(tid, address, destination);

        public Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source) => context.FastPokeData(tid, address, source);
    }

    private static (byte[] Buf, byte[] Low, byte[] ReadOnly) ExpectedAfterWrites(long seed, bool writesReadOnly)
    {
        var buf = Pattern(seed);
        Written(WriteLength).CopyTo(buf, WriteAt);
        var low = LowPage(seed);
        Written(2 * GapSpill).AsSpan(0, GapSpill).CopyTo(low.AsSpan(Page - GapSpill));
        var ro = Enumerable.Range(0, Page).Select(i => (byte)(i * 3 + seed)).ToArray();
        if (writesReadOnly) Written(ReadOnlyWrite).CopyTo(ro, 0);
        return (buf, low, ro);
    }

    private static byte[] Pattern(long seed) => Enumerable.Range(0, Len).Select(i => (byte)((i * 131 + seed) ^ (i >> 8))).ToArray();

    private static byte[] LowPage(long seed) => Enumerable.Range(0, Page).Select(i => (byte)(i + seed)).ToArray();

    private static byte[] Written(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
}
