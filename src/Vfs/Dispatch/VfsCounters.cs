using System.Diagnostics;

namespace PtFs.Vfs.Dispatch;

/// <summary>What the VFS did, for <c>--stats</c>: syscalls it answered or rewrote, by number, and the time spent deciding them.</summary>
public sealed class VfsCounters
{
    private readonly Dictionary<int, long> _served = [];
    private long _ticks;

    /// <summary>Syscalls the VFS served (answered, rewrote, waited on) rather than passed to the kernel untouched.</summary>
    public IReadOnlyDictionary<int, long> Served => _served;

    public long TotalServed => _served.Values.Sum();

    /// <summary>Time in the VFS and the providers it called, on the tracer thread.</summary>
    public TimeSpan Time => Stopwatch.GetElapsedTime(0, _ticks);

    internal void Count(int number, long startedAt, bool served)
    {
        _ticks += Stopwatch.GetTimestamp() - startedAt;
        if (served) _served[number] = _served.GetValueOrDefault(number) + 1;
    }

    internal void AddTime(long startedAt) => _ticks += Stopwatch.GetTimestamp() - startedAt;
}
