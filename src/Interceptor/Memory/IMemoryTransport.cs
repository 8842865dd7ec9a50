namespace PtFs.Interceptor.Memory;

/// <summary>
/// Moves bytes between the tracer and a stopped tracee's memory. Every implementation handles any address,
/// any length and ranges that cross pages; an unmapped page ends the transfer there with EFAULT and the
/// count of bytes moved before it. Call on the tracer thread while the tracee is stopped.
/// </summary>
public interface IMemoryTransport
{
    string Name { get; }

    /// <summary>Tracee to tracer.</summary>
    Transfer Read(int tid, ulong address, Span<byte> destination);

    /// <summary>Tracer to tracee.</summary>
    Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source);
}

/// <summary>How many bytes moved, and why it stopped short (0 when it did not).</summary>
public readonly record struct Transfer(int Bytes, int Errno)
{
    public static Transfer Done(int bytes) => new(bytes, 0);
}
