using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using PtFs.Vfs;

namespace PtFs.Cli.Plugins;

/// <summary>Loads <c>--plugin</c> assemblies and registers the providers they declare.</summary>
internal static class PluginLoader
{
    public static void AddPlugins(this IServiceCollection services, IEnumerable<string> paths)
    {
        foreach (string given in paths)
        {
            string path = Path.GetFullPath(given);
            if (!File.Exists(path)) throw new UsageException($"{given}: plugin not found");
            var taken = services.Where(d => d.ServiceType == typeof(PtFsProviderAttribute)).Select(d => ((PtFsProviderAttribute)d.ImplementationInstance!).Name).ToHashSet();
            IReadOnlyList<string> names;
            try
            {
                var assembly = new PluginLoadContext(path).LoadFromAssemblyPath(path);
                if (assembly.GetCustomAttributes<PtFsProviderAttribute>().FirstOrDefault(d => taken.Contains(d.Name)) is { } clash)
                    throw new UsageException($"{given}: declares the provider '{clash.Name}', which another provider already has");
                names = services.AddPtFsProviders(assembly);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or TypeLoadException or ArgumentException or ReflectionTypeLoadException)
            {
                throw new UsageException($"{given}: cannot load the plugin: {e.Message}");
            }
            if (names.Count == 0)
                throw new UsageException($"{given}: declares no provider (it needs [assembly: {nameof(PtFsProviderAttribute).Replace("Attribute", "")}(\"name\", typeof(...))])");
        }
    }
}
