namespace PtFs.Interceptor.Memory;

/// <summary>
/// process_vm_readv/writev: one syscall per transfer at memory speed; respects page protections, so it
/// cannot write into read-only (code) pages. The default for anything the tracer reads.
/// </summary>
public sealed class ProcessVmTransport : IMemoryTransport
{
    public static ProcessVmTransport Instance { get; } = new();

    public string Name => "process_vm";

    public Transfer Read(int tid, ulong address, Span<byte> destination) =>
        Result(TraceeMemory.Read(tid, address, destination), destination.Length);

    public Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source) =>
        Result(TraceeMemory.Write(tid, address, source), source.Length);

    // A short count means the next page is not accessible.
    private static Transfer Result(long n, int wanted) =>
        n < 0 ? new Transfer(0, (int)-n) : new Transfer((int)n, n < wanted ? 14 /* EFAULT */ : 0);
}
