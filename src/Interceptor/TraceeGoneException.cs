namespace PtFs.Interceptor;

/// <summary>
/// The tracee the tracer was working in died or exec'd meanwhile. Whatever the kernel reported about it is
/// already queued for the main loop, which handles it like any other status; the current stop is abandoned.
/// </summary>
internal sealed class TraceeGoneException(int tid) : Exception($"tracee {tid} is gone")
{
    public int Tid { get; } = tid;
}
