namespace PtFs.Vfs;

/// <summary>
/// What one mount asks of its provider: where its data comes from (an archive, a host directory) and
/// provider-specific options (<c>--option key=value</c>). A provider takes it as a constructor parameter.
/// </summary>
public sealed record MountSettings(string? Source, IReadOnlyDictionary<string, string> Options)
{
    public static MountSettings Empty { get; } = new(null, new Dictionary<string, string>());

    /// <summary>The source, or an FsException(EINVAL) naming the provider that needs one.</summary>
    public string RequireSource(string provider) =>
        Source ?? throw new FsException(Errno.EINVAL, $"the {provider} provider needs --source");
}
