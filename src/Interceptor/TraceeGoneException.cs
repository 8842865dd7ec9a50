namespace PtFs.Interceptor;

/// <summary>A tracee died while the tracer was working inside it; carries the wait status that said so.</summary>
internal sealed class TraceeGoneException(int tid, WaitStatus status) : Exception($"tracee {tid} is gone")
{
    public int Tid { get; } = tid;

    public WaitStatus Status { get; } = status;
}
