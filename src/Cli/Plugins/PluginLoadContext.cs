using System.Reflection;
using System.Runtime.Loader;

namespace PtFs.Cli.Plugins;

/// <summary>
/// A plugin's own load context: its private dependencies come from its folder (by its .deps.json), while
/// the contract (PtFs.Vfs) and the Microsoft.Extensions.* that ptfs ships resolve to the host's copies, so
/// the types a plugin implements and the services it asks for are the very ones ptfs uses.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(pluginPath))
{
    private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    // What ptfs itself ships: a plugin's Microsoft.Extensions.* that ptfs lacks (FileProviders, say) stay the plugin's.
    private static readonly HashSet<string> HostAssemblies = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension).ToHashSet()!;

    public static bool IsShared(AssemblyName name) =>
        name.Name is { } n && (n == "PtFs.Vfs" || (n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && HostAssemblies.Contains(n)));

    protected override Assembly? Load(AssemblyName name)
    {
        if (IsShared(name)) return null; // the default context's copy
        return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
