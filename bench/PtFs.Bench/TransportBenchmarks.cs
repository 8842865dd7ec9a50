using BenchmarkDotNet.Attributes;
using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Region;

namespace PtFs.Bench;

public enum Direction
{
    TraceeToTracer,
    TracerToTracee,
}

/// <summary>
/// Each transport moving one buffer between a paused tracee and the tracer, as its own operation (the
/// shared region costs a stop of the tracee per call here: the paper's design). Memcpy of the same size
/// in the tracer is the physical limit.
/// </summary>
public class TransportBenchmarks
{
    private SharedRegion _region = null!;
    private PausedTracee _tracee = null!;
    private ProcMemTransport _procMem = null!;
    private byte[] _buffer = null!;
    private byte[] _copy = null!;
    private ulong _address;

    [Params(8, 64, 512, 4096, 64 << 10, 1 << 20, 16 << 20)]
    public int Size { get; set; }

    [ParamsAllValues]
    public Direction Direction { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _region = new SharedRegion();
        _tracee = new PausedTracee("mem", Size, _region);
        _address = _tracee.Context.Request[0];
        _procMem = new ProcMemTransport();
        _buffer = new byte[Size];
        _copy = new byte[Size];
        Random.Shared.NextBytes(_buffer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracee.Dispose();
        _procMem.Dispose();
        _region.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int PeekPoke() => Move(PtracePeekPokeTransport.Instance);

    [Benchmark]
    public int ProcMem() => Move(_procMem);

    [Benchmark]
    public int ProcessVm() => Move(ProcessVmTransport.Instance);

    [Benchmark]
    public int SharedRegion() => Move(_tracee.Context.RegionTransport ?? throw new InvalidOperationException("benchlab has no shared region"));

    [Benchmark]
    public int Memcpy()
    {
        _buffer.AsSpan().CopyTo(_copy);
        return Size;
    }

    private int Move(IMemoryTransport transport)
    {
        var moved = Direction == Direction.TraceeToTracer
            ? transport.Read(_tracee.Tid, _address, _buffer)
            : transport.Write(_tracee.Tid, _address, _buffer);
        return moved.Bytes == Size ? moved.Bytes : throw new InvalidOperationException($"{transport.Name} moved {moved}");
    }
}
