using Microsoft.Extensions.DependencyInjection;
using PtFs.Providers.Memory;
using PtFs.Providers.Passthrough;
using PtFs.Providers.Tar;
using PtFs.Providers.Zip;
using PtFs.Vfs;

[assembly: PtFsProvider("memory", typeof(MemoryProvider), Options = typeof(MemoryOptions), Description = "An empty read-write tree in memory, like tmpfs; gone when the program exits.")]
[assembly: PtFsProvider("passthrough", typeof(PassthroughProvider), Source = "a host directory",
    Description = "A host directory, read-write; no path, symlink or rename leads outside it.")]
[assembly: PtFsProvider("zip", typeof(ZipProvider), Options = typeof(ZipOptions), Source = "a zip archive", ArchiveExtensions = [".zip"],
    Description = "A zip archive, read-only unless writable=true. Without --source, every *.zip can be entered as a directory.")]
[assembly: PtFsProvider("tar", typeof(TarProvider), Source = "a tar archive", ArchiveExtensions = [".tar", ".tar.gz", ".tgz"],
    Description = "A tar archive (.tar, .tar.gz, .tgz), read-only. Without --source, every such file can be entered as a directory.")]

namespace PtFs.Providers;

public static class ProviderServices
{
    /// <summary>The providers that ship with PtFs, under the names <c>ptfs mount --provider</c> takes.</summary>
    public static IServiceCollection AddBuiltInProviders(this IServiceCollection services)
    {
        services.AddPtFsProviders(typeof(ProviderServices).Assembly);
        return services;
    }
}
