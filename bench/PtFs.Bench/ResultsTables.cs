using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace PtFs.Bench;

/// <summary>
/// Writes bench/results/*.md: the medians BenchmarkDotNet measured, side by side, with the ratios the
/// design is judged by (to PEEKDATA, the paper's baseline, and to process_vm, the tracer's default), and
/// the machine they were measured on.
/// </summary>
internal static class ResultsTables
{
    private static readonly (string Method, string Title)[] TransportColumns =
    [
        ("PeekPoke", "PEEKDATA/POKEDATA"), ("ProcMem", "/proc/pid/mem"), ("ProcessVm", "process_vm"),
        ("SharedRegion", "shared region (own stop)"), ("Memcpy", "memcpy"),
    ];

    private static readonly (string Method, string Title)[] FoldedColumns =
    [
        ("SkipPlusProcessVmWritev", "skip + process_vm_writev"), ("FoldedCopiedIntoRegion", "folded, tracer copies into region"),
        ("FoldedFilledInPlace", "folded, provider filled region"), ("NativeTmpfsPread", "native tmpfs pread (untraced)"),
    ];

    /// <summary>The folder written to, or null when nothing was measured.</summary>
    public static string? Write(IEnumerable<Summary> summaries)
    {
        string folder = Path.Combine(RepositoryRoot(), "bench", "results");
        bool any = false;
        foreach (var summary in summaries)
        {
            var medians = Medians(summary);
            if (medians.Count == 0) continue;
            string type = summary.BenchmarksCases[0].Descriptor.Type.Name;
            string text = type switch
            {
                nameof(TransportBenchmarks) => TransportTable(summary, medians),
                nameof(FoldedReadBenchmarks) => FoldedTable(summary, medians),
                nameof(ArchiveReadBenchmarks) => ArchiveTable(summary, medians),
                _ => null!,
            };
            if (text is null) continue;
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, type.Replace("Benchmarks", "", StringComparison.Ordinal).ToLowerInvariant() + ".md"), text);
            any = true;
        }
        return any ? folder : null;
    }

    /// <summary>Median in nanoseconds per (method, size, direction or "").</summary>
    private static Dictionary<(string Method, int Size, string Direction), double> Medians(Summary summary)
    {
        var medians = new Dictionary<(string, int, string), double>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } statistics) continue;
            var parameters = report.BenchmarkCase.Parameters;
            int size = (int)parameters["Size"];
            string direction = parameters.Items.Any(p => p.Name == "Direction")
                ? (Direction)parameters["Direction"] == Direction.TraceeToTracer ? "tracee → tracer" : "tracer → tracee"
                : "";
            medians[(report.BenchmarkCase.Descriptor.WorkloadMethod.Name, size, direction)] = statistics.Median;
        }
        return medians;
    }

    private static string TransportTable(Summary summary, Dictionary<(string Method, int Size, string Direction), double> medians)
    {
        var rows = medians.Keys.Select(k => (k.Size, k.Direction)).Distinct().OrderBy(r => r.Direction).ThenBy(r => r.Size).ToList();
        var text = Header(summary, "Memory transports, each as its own operation on a paused tracee");
        text.AppendLine("Median time per transfer:").AppendLine();
        Table(text, ["size", "direction", .. TransportColumns.Select(c => c.Title)], rows,
            r => [SizeText(r.Size), r.Direction, .. TransportColumns.Select(c => Cell(medians, c.Method, r.Size, r.Direction))]);
        foreach (var (baseline, title) in new[] { ("PeekPoke", "PEEKDATA/POKEDATA"), ("ProcessVm", "process_vm") })
        {
            text.AppendLine().AppendLine($"Time relative to {title} (below 1 is faster):").AppendLine();
            Table(text, ["size", "direction", .. TransportColumns.Select(c => c.Title)], rows,
                r => [SizeText(r.Size), r.Direction, .. TransportColumns.Select(c => Ratio(medians, c.Method, baseline, r.Size, r.Direction))]);
        }
        return text.ToString();
    }

    private static string FoldedTable(Summary summary, Dictionary<(string Method, int Size, string Direction), double> medians)
    {
        var sizes = medians.Keys.Select(k => k.Size).Distinct().Order().ToList();
        var text = Header(summary, "One read() served to a traced program, end to end (resume, program loops, next read stops)");
        text.AppendLine("Median time per read of that size (above one slot, 1 MiB, the folded path serves several short reads):").AppendLine();
        Table(text, ["size", .. FoldedColumns.Select(c => c.Title)], sizes,
            s => [SizeText(s), .. FoldedColumns.Select(c => Cell(medians, c.Method, s, ""))]);
        text.AppendLine().AppendLine("Time relative to skip + process_vm_writev (below 1 is faster):").AppendLine();
        Table(text, ["size", .. FoldedColumns.Select(c => c.Title)], sizes,
            s => [SizeText(s), .. FoldedColumns.Select(c => Ratio(medians, c.Method, "SkipPlusProcessVmWritev", s, ""))]);
        return text.ToString();
    }

    private static string ArchiveTable(Summary summary, Dictionary<(string Method, int Size, string Direction), double> medians)
    {
        var sizes = medians.Keys.Select(k => k.Size).Distinct().Order().ToList();
        var text = Header(summary, "Reading a zip entry in the provider (no tracer)");
        text.AppendLine("Median time; \"whole\" reads the entry in 128 KiB reads, \"backward\" reads its last 4 KiB and then the 4 KiB before them:").AppendLine();
        (string Method, string Title)[] columns = [("DeflatedWhole", "deflated, whole"), ("StoredWhole", "stored, whole"), ("DeflatedBackward", "deflated, backward"), ("StoredBackward", "stored, backward")];
        Table(text, ["entry", .. columns.Select(c => c.Title), "deflated backward / whole"], sizes,
            s => [SizeText(s), .. columns.Select(c => Cell(medians, c.Method, s, "")), Ratio(medians, "DeflatedBackward", "DeflatedWhole", s, "")]);
        text.AppendLine().AppendLine("Throughput of whole reads:").AppendLine();
        Table(text, ["entry", "deflated", "stored"], sizes, s => [SizeText(s), Throughput(medians, "DeflatedWhole", s), Throughput(medians, "StoredWhole", s)]);
        return text.ToString();
    }

    private static string Throughput(Dictionary<(string, int, string), double> medians, string method, int size) =>
        medians.TryGetValue((method, size, ""), out double ns) ? $"{(size / (ns / 1e9) / (1 << 20)).ToString("0", CultureInfo.InvariantCulture)} MiB/s" : "-";

    private static StringBuilder Header(Summary summary, string title)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {title}").AppendLine();
        text.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} by `dotnet run -c Release --project bench/PtFs.Bench -- --filter '*'` (BenchmarkDotNet, in-process, medians).").AppendLine();
        text.AppendLine("```");
        foreach (string line in summary.HostEnvironmentInfo.ToFormattedString()) text.AppendLine(line);
        text.AppendLine($"Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, .NET {Environment.Version}, {Environment.ProcessorCount} CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 30} GiB");
        text.AppendLine("```").AppendLine();
        return text;
    }

    private static void Table<T>(StringBuilder text, string[] header, IEnumerable<T> rows, Func<T, string[]> cells)
    {
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows) text.AppendLine("| " + string.Join(" | ", cells(row)) + " |");
    }

    private static string Cell(Dictionary<(string, int, string), double> medians, string method, int size, string direction) =>
        medians.TryGetValue((method, size, direction), out double ns) ? TimeText(ns) : "-";

    private static string Ratio(Dictionary<(string, int, string), double> medians, string method, string baseline, int size, string direction) =>
        medians.TryGetValue((method, size, direction), out double ns) && medians.TryGetValue((baseline, size, direction), out double b)
            ? (ns / b).ToString(ns / b < 0.01 ? "0.0000" : "0.00", CultureInfo.InvariantCulture) : "-";

    private static string TimeText(double ns) => ns switch
    {
        < 1_000 => $"{ns.ToString("0", CultureInfo.InvariantCulture)} ns",
        < 1_000_000 => $"{(ns / 1_000).ToString("0.0", CultureInfo.InvariantCulture)} µs",
        _ => $"{(ns / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture)} ms",
    };

    private static string SizeText(int bytes) => bytes switch
    {
        >= 1 << 20 => $"{bytes >> 20} MiB",
        >= 1 << 10 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PtFs.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
