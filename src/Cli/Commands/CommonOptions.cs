using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace PtFs.Cli.Commands;

/// <summary>What every command that runs a program takes: the program, its arguments, ptfs's log level and log file.</summary>
internal sealed class CommonOptions
{
    public Option<LogLevel> LogLevel { get; } = new("--log-level")
    {
        Description = "ptfs's own log level (stderr).",
        DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    public Option<FileInfo?> LogFile { get; } = new("--log-file")
    {
        Description = "Write ptfs's log lines to this file instead of stderr (the program's stderr stays its own).",
    };

    public Argument<string> Program { get; } = new("PROGRAM") { Description = "The program to run (looked up in PATH).", CaptureRemainingTokens = true };

    public Argument<string[]> Arguments { get; } = new("ARGS")
    {
        Description = "The program's arguments, options included.",
        Arity = ArgumentArity.ZeroOrMore,
        CaptureRemainingTokens = true,
    };

    /// <summary>Adds the log level, then PROGRAM and ARGS last.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(LogLevel);
        command.Options.Add(LogFile);
        command.Arguments.Add(Program);
        command.Arguments.Add(Arguments);
    }
}
