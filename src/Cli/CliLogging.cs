using Microsoft.Extensions.Logging;

namespace PtFs.Cli;

internal static class CliLogging
{
    /// <summary>Logs go to stderr only, so the program's stdout stays the program's.</summary>
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
