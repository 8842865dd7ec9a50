using Microsoft.Extensions.DependencyInjection;
using PtFs.Providers.Memory;
using PtFs.Providers.Passthrough;
using PtFs.Vfs;

namespace PtFs.Providers;

public static class ProviderServices
{
    /// <summary>The providers that ship with PtFs, under the names <c>ptfs mount --provider</c> takes.</summary>
    public static IServiceCollection AddBuiltInProviders(this IServiceCollection services) =>
        services.AddPtFsProvider<MemoryProvider>("memory").AddPtFsProvider<PassthroughProvider>("passthrough").AddPtFsProvider<Zip.ZipProvider>("zip").AddPtFsProvider<Tar.TarProvider>("tar");
}
