namespace PtFs.Interceptor;

/// <summary>
/// Counts stops by kind, trapped syscalls by number, and injected syscalls. Plain fields: only the
/// tracer thread writes them; read them after the run or accept a torn view.
/// </summary>
public sealed class StopCounters
{
    private readonly long[] _stops = new long[Enum.GetValues<StopKind>().Length];
    private readonly Dictionary<int, long> _trapped = [];

    public long InjectedSyscalls { get; private set; }

    public long this[StopKind kind] => _stops[(int)kind];

    public long TotalStops => _stops.Sum();

    public long TotalTrapped => _trapped.Values.Sum();

    /// <summary>Syscalls that stopped at the seccomp filter, by number.</summary>
    public IReadOnlyDictionary<int, long> TrappedSyscalls => _trapped;

    internal void CountStop(StopKind kind) => _stops[(int)kind]++;

    internal void CountTrapped(int syscallNumber) =>
        _trapped[syscallNumber] = _trapped.GetValueOrDefault(syscallNumber) + 1;

    internal void CountInjected() => InjectedSyscalls++;
}
