using PtFs.Interceptor;
using PtFs.Interceptor.Syscalls;

namespace PtFs.Cli;

/// <summary>The summary <c>--stats</c> prints when the program has ended.</summary>
internal static class StatsReport
{
    public static void Write(TextWriter output, Tracer tracer)
    {
        var counters = tracer.Counters;
        output.WriteLine($"ptfs stats: wall time {tracer.WallTime.TotalMilliseconds:F1} ms");
        output.WriteLine($"  stops: {counters.TotalStops} total");
        foreach (var kind in Enum.GetValues<StopKind>())
            output.WriteLine($"    {kind,-12} {counters[kind],10}");
        output.WriteLine($"  injected syscalls: {counters.InjectedSyscalls}");
        output.WriteLine($"  trapped syscalls: {counters.TotalTrapped} total");
        foreach (var (number, count) in counters.TrappedSyscalls.OrderByDescending(s => s.Value).ThenBy(s => s.Key))
            output.WriteLine($"    {SyscallNames.Of(number),-20} {count,10}");
    }
}
