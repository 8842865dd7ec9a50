using System.Text.Json;
using PtFs.Interceptor;
using PtFs.Interceptor.Syscalls;
using PtFs.Cli.Mounting;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli;

/// <summary>The summary <c>--stats</c> prints when the program has ended, and the same as JSON for <c>--stats-json</c>.</summary>
internal static class StatsReport
{
    public static void Write(TextWriter output, Tracer tracer, VfsCounters? vfs = null, TransportCounters? moved = null)
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
        if (vfs is null) return;
        output.WriteLine($"  served by the VFS: {vfs.TotalServed} total (all stops per served syscall: {StopsPerServed(tracer, vfs):F2})");
        foreach (var (number, count) in vfs.Served.OrderByDescending(s => s.Value).ThenBy(s => s.Key))
            output.WriteLine($"    {SyscallNames.Of(number),-20} {count,10}");
        output.WriteLine($"  time in the VFS and providers: {vfs.Time.TotalMilliseconds:F1} ms");
        if (moved is null) return;
        output.WriteLine($"  bytes moved: {moved.SharedRegion} through the shared region, {moved.ToPrograms} by process_vm_writev, {moved.FromPrograms} by process_vm_readv");
    }

    public static void WriteJson(string path, Tracer tracer, VfsCounters? vfs = null, TransportCounters? moved = null)
    {
        var counters = tracer.Counters;
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("wall_ms", Math.Round(tracer.WallTime.TotalMilliseconds, 3));
        json.WriteNumber("stops", counters.TotalStops);
        json.WriteStartObject("stops_by_kind");
        foreach (var kind in Enum.GetValues<StopKind>()) json.WriteNumber(kind.ToString(), counters[kind]);
        json.WriteEndObject();
        json.WriteNumber("injected_syscalls", counters.InjectedSyscalls);
        WriteCounts(json, "trapped", counters.TrappedSyscalls);
        if (vfs is not null)
        {
            WriteCounts(json, "served", vfs.Served);
            json.WriteNumber("stops_per_served", Math.Round(StopsPerServed(tracer, vfs), 3));
            json.WriteNumber("vfs_ms", Math.Round(vfs.Time.TotalMilliseconds, 3));
        }
        if (moved is not null)
        {
            json.WriteStartObject("bytes_moved");
            json.WriteNumber("shared_region", moved.SharedRegion);
            json.WriteNumber("process_vm_writev", moved.ToPrograms);
            json.WriteNumber("process_vm_readv", moved.FromPrograms);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<int, long>> counts)
    {
        json.WriteStartObject(name);
        foreach (var (number, count) in counts.OrderBy(c => c.Key)) json.WriteNumber(SyscallNames.Of(number), count);
        json.WriteEndObject();
    }

    private static double StopsPerServed(Tracer tracer, VfsCounters vfs) =>
        vfs.TotalServed == 0 ? 0 : (double)tracer.Counters.TotalStops / vfs.TotalServed;
}
