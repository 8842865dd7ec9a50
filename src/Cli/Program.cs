using System.CommandLine;
using PtFs.Cli;
using PtFs.Cli.Commands;

var root = new RootCommand("PtFs runs unmodified Linux programs under ptrace and serves their files from C# providers.")
{
    TraceCommand.Create(),
    MountCommand.Create(),
    ProvidersCommand.Create(),
    SyscallsCommand.Create(),
};
// Response files are off: an @file argument belongs to the traced program.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
// ptfs handles SIGINT/SIGTERM itself (see ProgramSignals): the library must not cancel on them.
return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }) switch
{
    var code when parse.Errors.Count > 0 && code != 0 => ExitCodes.UsageError,
    var code => code,
};
