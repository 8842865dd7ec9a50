using Microsoft.Extensions.Logging;

namespace PtFs.Cli;

internal static class CliLogging
{
    /// <summary>
    /// Logs go to stderr, so the program's stdout stays the program's; with <paramref name="file"/>, to that
    /// file instead, so its stderr does too.
    /// </summary>
    public static ILoggerFactory Create(LogLevel level, FileInfo? file = null)
    {
        var toFile = file is null ? null : OpenLogFile(file);
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);
            if (toFile is not null)
            {
                builder.AddProvider(toFile);
                return;
            }
            builder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
    }

    private static FileLoggerProvider OpenLogFile(FileInfo file)
    {
        try
        {
            return new FileLoggerProvider(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--log-file {file.FullName}: {e.Message}");
        }
    }
}
