using Microsoft.Extensions.Logging;
using PtFs.Vfs;
using PtFs.Vfs.Mounts;

namespace PtFs.Cli.Mounting;

/// <summary>
/// Opens archive files as the program walks through them (<c>ptfs mount --provider zip</c> without a
/// source). A file that is not a readable archive is remembered as such until it changes, so a damaged
/// one costs one log line, not one parse per lookup.
/// </summary>
internal sealed partial class ArchiveOpener(IProviderFactory factory, Dictionary<string, string> options, ILogger logger) : IArchiveOpener
{
    private readonly Dictionary<string, (DateTime Modified, long Length)> _unreadable = [];
    private readonly Dictionary<string, (DateTime Modified, long Length)> _opened = [];

    public string ProviderName => factory.Declaration.Name;

    public bool Matches(string name) =>
        factory.Declaration.ArchiveExtensions.Any(e => name.Length > e.Length && name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public IFileSystemProvider? Open(string absolute)
    {
        var file = new FileInfo(absolute);
        if (!file.Exists) return null; // a directory that happens to be called x.zip is just a directory
        var version = (file.LastWriteTimeUtc, file.Length);
        if (_unreadable.TryGetValue(absolute, out var seen) && seen == version) return null;
        try
        {
            var provider = factory.Create(new MountSettings(absolute, options));
            _unreadable.Remove(absolute);
            _opened[absolute] = version;
            LogOpened(logger, absolute);
            return provider;
        }
        catch (Exception e)
        {
            _unreadable[absolute] = version;
            LogUnreadable(logger, absolute, e.Message);
            return null;
        }
    }

    public bool IsCurrent(string absolute)
    {
        var file = new FileInfo(absolute);
        return file.Exists && _opened.TryGetValue(absolute, out var opened) && opened == (file.LastWriteTimeUtc, file.Length);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "serving {Archive} as a directory")]
    private static partial void LogOpened(ILogger logger, string archive);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Archive} stays a plain file: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string archive, string reason);
}
