using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PtFs.Cli.Mounting;
using PtFs.Interceptor;
using PtFs.Interceptor.Region;
using PtFs.Providers;
using PtFs.Vfs;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Mounts;

namespace PtFs.Cli.Commands;

/// <summary><c>ptfs mount --provider NAME [--source SRC] --at DIR [-o key=value] -- PROGRAM [ARGS...]</c></summary>
internal static class MountCommand
{
    public static Command Create()
    {
        var provider = new Option<string>("--provider", "-p") { Description = "Which provider serves the mount: memory, passthrough.", Required = true };
        var source = new Option<string?>("--source", "-s") { Description = "Where the provider's data comes from (a host directory, an archive)." };
        var at = new Option<string>("--at") { Description = "The absolute path where the program sees the mount (it need not exist).", Required = true };
        var options = new Option<string[]>("--option", "-o") { Description = "A provider option, key=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var common = new CommonOptions();

        var command = new Command("mount", """
            Run PROGRAM with a provider's filesystem visible at DIR: no kernel mount, no FUSE, no root. Every
            process and thread PROGRAM starts sees it too. ptfs exits with the program's status.

            Examples:
              ptfs mount --provider memory --at /mnt/m -- sh -c 'echo hi > /mnt/m/f && cat /mnt/m/f'
            """)
        {
            provider, source, at, options,
        };
        common.AddTo(command);
        command.SetAction(parse => Run(
            parse.GetValue(provider)!, parse.GetValue(source), parse.GetValue(at)!, parse.GetValue(options) ?? [],
            parse.GetValue(common.LogLevel), parse.GetValue(common.Program)!, parse.GetValue(common.Arguments) ?? []));
        return command;
    }

    private static int Run(string providerName, string? source, string at, string[] options, LogLevel logLevel, string program, string[] arguments)
    {
        if (!at.StartsWith('/'))
            return UsageError($"--at must be an absolute path: {at}");
        if (ProgramLocator.Find(program) is null)
            return UsageError($"{program}: program not found");
        var settings = new Dictionary<string, string>();
        foreach (string option in options)
        {
            int equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return UsageError($"--option wants key=value, not {option}");
            settings[option[..equals]] = option[(equals + 1)..];
        }

        using var loggers = CliLogging.Create(logLevel);
        using var services = new ServiceCollection().AddSingleton(loggers).AddLogging().AddBuiltInProviders().BuildServiceProvider();
        IFileSystemProvider? instance;
        try
        {
            instance = services.CreateProvider(providerName, new MountSettings(source is null ? null : Path.GetFullPath(source), settings));
        }
        catch (FsException e)
        {
            return UsageError(e.Message);
        }
        if (instance is null) return UsageError($"no provider called {providerName}");

        var mounts = new MountTable();
        mounts.Add(at, instance, providerName);
        var vfs = new VirtualFileSystem(mounts, loggers.CreateLogger<VirtualFileSystem>());
        using var region = new SharedRegion();
        var tracer = new Tracer(new VfsSyscallHandler(vfs), region, loggers.CreateLogger<Tracer>());
        using var signals = new ProgramSignals(tracer);
        try
        {
            return tracer.Run(new TracerLaunch(program, arguments));
        }
        catch (TracerException e)
        {
            Console.Error.WriteLine($"ptfs: {e.Message}");
            return ExitCodes.UsageError;
        }
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"ptfs: {message}");
        return ExitCodes.UsageError;
    }
}
