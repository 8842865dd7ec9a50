using System.CommandLine;
using Microsoft.Extensions.Logging;
using PtFs.Interceptor;
using PtFs.Interceptor.Strace;

namespace PtFs.Cli.Commands;

/// <summary><c>ptfs trace [-o FILE] [--stats] [--] PROGRAM [ARGS...]</c></summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the trace to FILE instead of stderr." };
        var stats = new Option<bool>("--stats") { Description = "Print syscalls by name, stops by kind and wall time at the end." };
        var statsJson = new Option<FileInfo?>("--stats-json") { Description = "Write the same as JSON to FILE at the end, for scripts." };
        var common = new CommonOptions();

        var command = new Command("trace", """
            Run PROGRAM and print each file-related syscall it makes (paths and fds), with decoded arguments,
            result and errno, one line each, prefixed with the task id, like strace -f -e trace=%file,%desc.
            ptfs exits with the program's status (128+N if it died from signal N).

            Examples:
              ptfs trace -- ls /
              ptfs trace -o trace.txt --stats -- python3 -c 'open("/etc/hostname").read()'
            """)
        {
            output, stats, statsJson,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(common.Program)!, parse.GetValue(common.Arguments) ?? [], parse.GetValue(output),
                    (parse.GetValue(stats), parse.GetValue(statsJson)), parse.GetValue(common.LogLevel), parse.GetValue(common.LogFile));
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"ptfs: {e.Message}");
                return ExitCodes.UsageError;
            }
        });
        return command;
    }

    private static int Run(string program, string[] arguments, FileInfo? outputFile, (bool Print, FileInfo? Json) stats, LogLevel logLevel, FileInfo? logFile)
    {
        if (ProgramLocator.Find(program) is null)
        {
            Console.Error.WriteLine($"ptfs: {program}: program not found");
            return ExitCodes.UsageError;
        }
        using var loggers = CliLogging.Create(logLevel, logFile);
        using var trace = outputFile is null
            ? new StreamWriter(Console.OpenStandardError()) { AutoFlush = true }
            : new StreamWriter(outputFile.FullName) { AutoFlush = true };
        var tracer = new Tracer(new StraceHandler(trace), logger: loggers.CreateLogger<Tracer>(), pollBeforeSleep: PollSetting.FromEnvironment());
        using var signals = new ProgramSignals(tracer);
        int status;
        try
        {
            status = tracer.Run(new TracerLaunch(program, arguments));
        }
        catch (TracerException e)
        {
            Console.Error.WriteLine($"ptfs: {e.Message}");
            return ExitCodes.UsageError;
        }
        if (stats.Print) StatsReport.Write(trace, tracer);
        if (stats.Json is { } json) StatsReport.WriteJson(json.FullName, tracer);
        return status;
    }
}
