using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PtFs.Cli.Mounting;
using PtFs.Cli.Plugins;
using PtFs.Interceptor;
using PtFs.Interceptor.Region;
using PtFs.Providers;
using PtFs.Vfs;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Mounts;

namespace PtFs.Cli.Commands;

/// <summary>
/// <c>ptfs mount [--provider NAME] [--source PATH] [--at DIR] [--option [DIR:]KEY=VALUE]...
/// [--mount DIR=NAME[:SOURCE]]... [--plugin DLL]... [--stats] [--log-level L] [--] PROGRAM [ARGS...]</c>
/// </summary>
internal static class MountCommand
{
    public static Command Create()
    {
        var provider = new Option<string?>("--provider", "-p") { Description = "The provider that serves the mount (see ptfs providers)." };
        var source = new Option<string?>("--source", "-s") { Description = "Where its data comes from: an archive, a host directory." };
        var at = new Option<string?>("--at") { Description = "Where the program sees it (need not exist). Without --at and --source, an archive provider serves every matching archive file as a directory where it lies." };
        var options = new Option<string[]>("--option", "-o") { Description = "A provider option KEY=VALUE; DIR:KEY=VALUE for the mount at DIR (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var mounts = new Option<string[]>("--mount", "-m") { Description = "Another mount, DIR=NAME[:SOURCE] (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var plugins = new Option<string[]>("--plugin") { Description = "An assembly with more providers (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var stats = new Option<bool>("--stats") { Description = "Print stops, trapped and served syscalls and the time in the VFS to stderr at the end." };
        var statsJson = new Option<FileInfo?>("--stats-json") { Description = "Write the same as JSON to FILE at the end, for scripts." };
        var common = new CommonOptions();

        var command = new Command("mount", """
            Run PROGRAM with providers' filesystems visible: no kernel mount, no FUSE, no root. Every process
            and thread PROGRAM starts sees them too. ptfs exits with the program's status, or 2 when it could
            not start it.

            Examples:
              ptfs mount --provider memory --at /mnt/m -- sh -c 'echo hi > /mnt/m/f && cat /mnt/m/f'
              ptfs mount --provider zip --source data.zip --at /mnt/data -- python3 train.py
              ptfs mount --provider zip -- sh -c 'ls -l data.zip/ && cat data.zip/docs/readme.txt'
              ptfs mount -m /mnt/src=passthrough:./src -m /mnt/t=tar:logs.tar.gz -- find /mnt
              ptfs mount --plugin Hello.dll --provider hello --at /mnt/hello -- cat /mnt/hello/hello
            """)
        {
            provider, source, at, options, mounts, plugins, stats, statsJson,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            try
            {
                var requests = MountRequest.Parse(parse.GetValue(provider), parse.GetValue(source), parse.GetValue(at),
                    parse.GetValue(mounts) ?? [], parse.GetValue(options) ?? []);
                using var loggers = CliLogging.Create(parse.GetValue(common.LogLevel), parse.GetValue(common.LogFile));
                return Run(requests, parse.GetValue(plugins) ?? [], (parse.GetValue(stats), parse.GetValue(statsJson)), loggers,
                    parse.GetValue(common.Program)!, parse.GetValue(common.Arguments) ?? []);
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"ptfs: {e.Message}");
                return ExitCodes.UsageError;
            }
        });
        return command;
    }

    private static int Run(List<MountRequest> requests, string[] plugins, (bool Print, FileInfo? Json) stats, ILoggerFactory loggers, string program, string[] arguments)
    {
        if (ProgramLocator.Find(program) is null) throw new UsageException($"{program}: program not found");
        var collection = new ServiceCollection().AddSingleton(loggers).AddLogging().AddBuiltInProviders();
        collection.AddPlugins(plugins);
        using var services = collection.BuildServiceProvider();

        var table = new MountTable();
        ProgramSignals? signals = null;
        try
        {
            Mount(table, services, requests, loggers);
            var vfs = new VirtualFileSystem(table, loggers.CreateLogger<VirtualFileSystem>());
            using var region = new SharedRegion();
            var handler = new VfsSyscallHandler(vfs);
            var tracer = new Tracer(handler, region, loggers.CreateLogger<Tracer>(), PollSetting.FromEnvironment());
            signals = new ProgramSignals(tracer);
            int status;
            try
            {
                status = tracer.Run(new TracerLaunch(program, arguments));
            }
            catch (TracerException e)
            {
                throw new UsageException(e.Message);
            }
            if (stats.Print) StatsReport.Write(Console.Error, tracer, vfs.Counters, handler.Moved);
            if (stats.Json is { } json) StatsReport.WriteJson(json.FullName, tracer, vfs.Counters, handler.Moved);
            return status;
        }
        finally
        {
            // Each provider is closed on its own: one that fails (a write-back, say) must not keep the others
            // from theirs. Retired archive mounts are left alone: their file changed, writing back would undo that.
            foreach (var mount in table.Mounts)
            {
                try { (mount.Provider as IDisposable)?.Dispose(); }
                catch (Exception e) { Console.Error.WriteLine($"ptfs: the {mount.Name} provider at {mount.Point} failed to close: {e.Message}"); }
            }
            // Only now: the Ctrl-C or SIGHUP that ended the program reaches ptfs too, perhaps only after the
            // program's death, and must not cut short the write-back of what the program wrote.
            signals?.Dispose();
        }
    }

    /// <summary>Makes every provider before the program starts, so that each mistake is reported up front.</summary>
    private static void Mount(MountTable table, IServiceProvider services, List<MountRequest> requests, ILoggerFactory loggers)
    {
        foreach (var request in requests)
        {
            var factory = services.FindProvider(request.Provider)
                ?? throw new UsageException($"no provider called '{request.Provider}' (there are: {string.Join(", ", services.Providers().Select(p => p.Name))}; see ptfs providers)");
            try
            {
                factory.CheckOptions(request.Options);
                if (request.Point is null)
                {
                    if (factory.Declaration.ArchiveExtensions.Length == 0)
                        throw new UsageException($"the {request.Provider} provider needs --at DIR: it serves no archive files where they lie");
                    table.Archives = new ArchiveOpener(factory, request.Options, loggers.CreateLogger<ArchiveOpener>());
                    continue;
                }
                if (request.Source is null && factory.Declaration.Source is { } what)
                    throw new UsageException($"the {request.Provider} provider needs --source: {what}");
                table.Add(request.Point, factory.Create(new MountSettings(request.Source, request.Options)), request.Provider);
            }
            catch (FsException e)
            {
                throw new UsageException(e.Message);
            }
            catch (Exception e) when (e is not UsageException)
            {
                throw new UsageException($"the {request.Provider} provider failed to start: {e.Message}");
            }
        }
    }
}
