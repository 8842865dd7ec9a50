using System.CommandLine;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using PtFs.Cli.Plugins;
using PtFs.Providers;
using PtFs.Vfs;

namespace PtFs.Cli.Commands;

/// <summary><c>ptfs providers [--plugin DLL]...</c>: every provider, what it serves, and its options.</summary>
internal static class ProvidersCommand
{
    public static Command Create()
    {
        var plugins = new Option<string[]>("--plugin") { Description = "Also list the providers of these assemblies.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("providers", "List the providers ptfs mount can use, built in and from plugins, with their options.") { plugins };
        command.SetAction(parse =>
        {
            try
            {
                var collection = new ServiceCollection().AddLogging().AddBuiltInProviders();
                collection.AddPlugins(parse.GetValue(plugins) ?? []);
                using var services = collection.BuildServiceProvider();
                foreach (var provider in services.Providers()) Write(Console.Out, provider);
                return 0;
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"ptfs: {e.Message}");
                return ExitCodes.UsageError;
            }
        });
        return command;
    }

    private static void Write(TextWriter output, PtFsProviderAttribute provider)
    {
        output.WriteLine($"{provider.Name,-12} {provider.Description}");
        if (provider.Source is { } source) output.WriteLine($"{"",-12}   --source: {source}");
        if (provider.ArchiveExtensions.Length > 0) output.WriteLine($"{"",-12}   archives where they lie: {string.Join(" ", provider.ArchiveExtensions.Select(e => "*" + e))}");
        foreach (var option in provider.Options?.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite) ?? [])
        {
            string description = option.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            output.WriteLine($"{"",-12}   --option {option.Name.ToLowerInvariant()}=<{TypeName(option.PropertyType)}>  {description}");
        }
    }

    private static string TypeName(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "true|false",
        var t when t == typeof(string) => "text",
        var t when t.IsEnum => string.Join('|', Enum.GetNames(t)).ToLowerInvariant(),
        var t when t.IsPrimitive => "number",
        var t => t.Name.ToLowerInvariant(),
    };
}
