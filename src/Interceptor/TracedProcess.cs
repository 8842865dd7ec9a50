namespace PtFs.Interceptor;

/// <summary>A traced thread group (one address space, until exec replaces it).</summary>
public sealed class TracedProcess
{
    internal TracedProcess(int pid, TracedProcess? parent, bool hasFilter, bool hasRegion)
    {
        Pid = pid;
        Parent = parent;
        HasFilter = hasFilter;
        HasRegion = hasRegion;
    }

    public int Pid { get; }

    /// <summary>The traced process that created this one, if it is known.</summary>
    public TracedProcess? Parent { get; }

    /// <summary>Stops and syscalls of this process's threads.</summary>
    public StopCounters Counters { get; } = new();

    /// <summary>Whether the seccomp filter is installed (inherited from the parent, never installed twice).</summary>
    public bool HasFilter { get; internal set; }

    /// <summary>Whether the shared region is mapped in this address space (inherited across fork, lost at exec).</summary>
    public bool HasRegion { get; internal set; }

    /// <summary>How many times this process has called execve successfully under the tracer.</summary>
    public int ExecCount { get; internal set; }

    /// <summary>Free slot for the layer above (per-process fd tables, cwd, shared-region state).</summary>
    public object? Tag { get; set; }

    internal List<TracedThread> Threads { get; } = [];

    public override string ToString() => $"process {Pid}";
}
