using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using Perfolizer.Horology;
using PtFs.Bench;

// In-process: the tracer must be the thread that runs each benchmark (see PausedTracee). Few, short
// iterations: PEEKDATA needs seconds for 16 MiB, and medians of 7 are stable enough for ratios of 10x.
var job = Job.Default
    .WithToolchain(InProcessNoEmitToolchain.Instance)
    .WithWarmupCount(2)
    .WithIterationCount(7)
    .WithIterationTime(TimeInterval.FromMilliseconds(150));
var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddColumn(StatisticColumn.Median)
    .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond));

var summaries = BenchmarkSwitcher.FromAssembly(typeof(TransportBenchmarks).Assembly).Run(args, config);
string? written = ResultsTables.Write(summaries);
if (written is not null) Console.WriteLine($"tables with ratios: {written}");
