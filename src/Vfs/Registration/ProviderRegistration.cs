using Microsoft.Extensions.DependencyInjection;

namespace PtFs.Vfs;

/// <summary>Makes a provider for one mount; registered under the provider's name.</summary>
public interface IProviderFactory
{
    IFileSystemProvider Create(MountSettings settings);
}

public static class ProviderRegistration
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as the provider called <paramref name="name"/> (keyed). Each mount gets
    /// its own instance, built with the mount's <see cref="MountSettings"/> plus whatever services its
    /// constructor asks for (loggers, options).
    /// </summary>
    public static IServiceCollection AddPtFsProvider<T>(this IServiceCollection services, string name)
        where T : class, IFileSystemProvider
    {
        services.AddKeyedSingleton<IProviderFactory>(name, (provider, _) => new Factory<T>(provider));
        return services;
    }

    /// <summary>The provider called <paramref name="name"/> for a mount, or null when none has that name.</summary>
    public static IFileSystemProvider? CreateProvider(this IServiceProvider services, string name, MountSettings settings) =>
        services.GetKeyedService<IProviderFactory>(name)?.Create(settings);

    private sealed class Factory<T>(IServiceProvider services) : IProviderFactory
        where T : class, IFileSystemProvider
    {
        public IFileSystemProvider Create(MountSettings settings) => ActivatorUtilities.CreateInstance<T>(services, settings);
    }
}
