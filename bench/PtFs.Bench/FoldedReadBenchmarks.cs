using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using PtFs.Interceptor;
using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Region;

namespace PtFs.Bench;

/// <summary>
/// One read() of Size bytes served to a traced program, measured from the tracer: resume the paused read
/// with its payload, the program returns to user space, loops, and its next read stops again. Reads larger
/// than a slot of the shared region are served as short reads of one slot each, as FUSE caps them at
/// max_read; the program loops until it has Size bytes. A pread of the same size from a tmpfs file, untraced,
/// is what the program pays without PtFs.
/// </summary>
public class FoldedReadBenchmarks
{
    private SharedRegion _region = null!;
    private PausedTracee _tracee = null!;
    private byte[] _source = null!;
    private byte[] _destination = null!;
    private SafeFileHandle _tmpfsFile = null!;
    private string _tmpfsPath = null!;

    [Params(8, 64, 512, 4096, 64 << 10, 1 << 20, 16 << 20)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _region = new SharedRegion();
        _tracee = new PausedTracee("read", Size, _region);
        _source = new byte[Size];
        Random.Shared.NextBytes(_source);
        _destination = new byte[Size];
        _tmpfsPath = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"ptfs-bench-{Environment.ProcessId}");
        File.WriteAllBytes(_tmpfsPath, _source);
        _tmpfsFile = File.OpenHandle(_tmpfsPath);
        // A provider that produces its bytes in the region: both slots of the thread already hold them.
        for (int i = 0; i < 2; i++)
        {
            _tracee.Context.TryGetPayloadBuffer(out var slot);
            _source.AsSpan(0, Math.Min(Size, slot.Length)).CopyTo(slot);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracee.Dispose();
        _region.Dispose();
        _tmpfsFile.Dispose();
        File.Delete(_tmpfsPath);
    }

    [Benchmark(Baseline = true)]
    public int SkipPlusProcessVmWritev() => Serve(int.MaxValue, (c, offset, n) =>
    {
        var moved = ProcessVmTransport.Instance.Write(c.Tid, c.Request[1], _source.AsSpan(offset, n));
        return moved.Bytes == n ? SyscallAction.Complete(n) : throw new InvalidOperationException($"process_vm_writev moved {moved}");
    });

    [Benchmark]
    public int FoldedCopiedIntoRegion() => Serve(RegionLayout.SlotDataSize, (c, offset, n) =>
    {
        if (!c.TryGetPayloadBuffer(out var payload)) throw new InvalidOperationException("benchlab has no shared region");
        _source.AsSpan(offset, n).CopyTo(payload);
        return SyscallAction.CompleteWithPayload(n, c.Request[1], n);
    });

    [Benchmark]
    public int FoldedFilledInPlace() => Serve(RegionLayout.SlotDataSize, (c, _, n) =>
    {
        if (!c.TryGetPayloadBuffer(out Span<byte> _)) throw new InvalidOperationException("benchlab has no shared region");
        return SyscallAction.CompleteWithPayload(n, c.Request[1], n);
    });

    [Benchmark]
    public int NativeTmpfsPread() => RandomAccess.Read(_tmpfsFile, _destination, 0);

    /// <summary>Serves reads until the program has Size bytes, each at most <paramref name="maxPerRead"/>.</summary>
    private int Serve(int maxPerRead, Func<SyscallContext, int, int, SyscallAction> serveOne)
    {
        int delivered = 0;
        while (delivered < Size)
        {
            var context = _tracee.Context;
            int n = (int)Math.Min(Math.Min((ulong)maxPerRead, context.Request[2]), (ulong)(Size - delivered));
            _tracee.ResumeAndPause(serveOne(context, delivered, n));
            delivered += n;
        }
        return delivered;
    }
}
