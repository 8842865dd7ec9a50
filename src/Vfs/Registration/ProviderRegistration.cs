using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PtFs.Vfs;

/// <summary>Makes a provider for one mount; registered under the provider's name.</summary>
public interface IProviderFactory
{
    PtFsProviderAttribute Declaration { get; }

    /// <summary>A provider for one mount; FsException(EINVAL) with a message a user can act on when the settings are wrong.</summary>
    IFileSystemProvider Create(MountSettings settings);

    /// <summary>Checks options before any mount is made: FsException(EINVAL) naming the bad one.</summary>
    void CheckOptions(IReadOnlyDictionary<string, string> options);
}

public static class ProviderRegistration
{
    /// <summary>Registers every provider <paramref name="assembly"/> declares with <see cref="PtFsProviderAttribute"/>; returns their names.</summary>
    public static IReadOnlyList<string> AddPtFsProviders(this IServiceCollection services, Assembly assembly)
    {
        var declared = assembly.GetCustomAttributes<PtFsProviderAttribute>().ToList();
        foreach (var declaration in declared) services.AddPtFsProvider(declaration);
        return declared.Select(d => d.Name).ToList();
    }

    /// <summary>
    /// Registers one provider (keyed by its name). Each mount gets its own instance, built with the mount's
    /// <see cref="MountSettings"/>, its bound options, and whatever services its constructor asks for.
    /// </summary>
    public static IServiceCollection AddPtFsProvider(this IServiceCollection services, PtFsProviderAttribute declaration)
    {
        if (!typeof(IFileSystemProvider).IsAssignableFrom(declaration.Provider))
            throw new ArgumentException($"{declaration.Provider} does not implement {nameof(IFileSystemProvider)}", nameof(declaration));
        services.AddKeyedSingleton<IProviderFactory>(declaration.Name, (provider, _) => new Factory(provider, declaration));
        services.AddSingleton(declaration);
        return services;
    }

    /// <summary>Registers <typeparamref name="T"/> as the provider called <paramref name="name"/>, without options.</summary>
    public static IServiceCollection AddPtFsProvider<T>(this IServiceCollection services, string name)
        where T : class, IFileSystemProvider => services.AddPtFsProvider(new PtFsProviderAttribute(name, typeof(T)));

    /// <summary>The factory of the provider called <paramref name="name"/>, or null when none has that name.</summary>
    public static IProviderFactory? FindProvider(this IServiceProvider services, string name) => services.GetKeyedService<IProviderFactory>(name);

    /// <summary>The provider called <paramref name="name"/> for a mount, or null when none has that name.</summary>
    public static IFileSystemProvider? CreateProvider(this IServiceProvider services, string name, MountSettings settings) =>
        services.FindProvider(name)?.Create(settings);

    /// <summary>Every registered provider's declaration, by name.</summary>
    public static IEnumerable<PtFsProviderAttribute> Providers(this IServiceProvider services) =>
        services.GetServices<PtFsProviderAttribute>().OrderBy(d => d.Name, StringComparer.Ordinal);

    private sealed class Factory(IServiceProvider services, PtFsProviderAttribute declaration) : IProviderFactory
    {
        public PtFsProviderAttribute Declaration => declaration;

        public void CheckOptions(IReadOnlyDictionary<string, string> options)
        {
            if (declaration.Options is { } type) Bind(type, options);
            else if (options.Count > 0) throw new FsException(Errno.EINVAL, $"the {declaration.Name} provider takes no options (got {string.Join(", ", options.Keys)})");
        }

        public IFileSystemProvider Create(MountSettings settings)
        {
            CheckOptions(settings.Options);
            // The settings and options go to the constructor only if it asks for them; services fill the rest.
            var asked = declaration.Provider.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToHashSet();
            var arguments = new List<object>();
            if (asked.Contains(typeof(MountSettings))) arguments.Add(settings);
            if (declaration.Options is { } type && asked.Contains(type)) arguments.Add(Bind(type, settings.Options));
            try
            {
                return (IFileSystemProvider)ActivatorUtilities.CreateInstance(services, declaration.Provider, [.. arguments]);
            }
            catch (TargetInvocationException e) when (e.InnerException is FsException inner)
            {
                throw inner;
            }
        }

        private object Bind(Type type, IReadOnlyDictionary<string, string> options)
        {
            var known = type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name.ToLowerInvariant()).ToList();
            if (options.Keys.FirstOrDefault(k => !known.Contains(k.ToLowerInvariant())) is { } unknown)
                throw new FsException(Errno.EINVAL, $"the {declaration.Name} provider has no option '{unknown}' (it takes: {string.Join(", ", known)})");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(options.Select(o => KeyValuePair.Create(o.Key, (string?)o.Value))).Build();
            try
            {
                return configuration.Get(type, binder => binder.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
            }
            catch (InvalidOperationException e)
            {
                throw new FsException(Errno.EINVAL, $"bad option for the {declaration.Name} provider: {e.Message}");
            }
        }
    }
}
