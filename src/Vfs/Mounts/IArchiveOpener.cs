namespace PtFs.Vfs.Mounts;

/// <summary>
/// Serves archive files as directories where they lie (<c>ptfs mount --provider zip</c> without a source):
/// a path that goes through <c>data.zip/</c> enters the archive, while <c>data.zip</c> itself stays the
/// real file.
/// </summary>
public interface IArchiveOpener
{
    /// <summary>Whether a file with this name may be an archive (by its ending).</summary>
    bool Matches(string name);

    /// <summary>A provider for the real file at <paramref name="absolute"/>, or null when it is not a readable archive.</summary>
    IFileSystemProvider? Open(string absolute);

    /// <summary>Whether the file opened at <paramref name="absolute"/> is still the one there (not rewritten, replaced or removed).</summary>
    bool IsCurrent(string absolute);

    /// <summary>The provider's name, for messages and mount listings.</summary>
    string ProviderName { get; }
}
