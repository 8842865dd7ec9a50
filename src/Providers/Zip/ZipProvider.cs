using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PtFs.Providers.Memory;
using PtFs.Vfs;

namespace PtFs.Providers.Zip;

/// <summary>
/// A zip archive as a directory tree (<see cref="ZipIndex"/>), read-only unless <c>writable=true</c>. A
/// writable one keeps its changes in memory (a changed file is copied in on its first write, untouched
/// ones stay in the archive) and, when the program has exited and anything changed, writes a new archive
/// next to the old one and renames it over it.
/// </summary>
public sealed partial class ZipProvider : MemoryProvider, IDisposable
{
    private readonly ZipIndex _index;
    private readonly bool _writable;
    private readonly ILogger _logger;
    private readonly List<SnapshotLine> _asMounted;

    public ZipProvider(MountSettings settings, ZipOptions? options = null, ILogger<ZipProvider>? logger = null)
        : this(ZipIndex.Open(settings.RequireSource("zip"), logger ?? NullLogger<ZipProvider>.Instance), options?.Writable ?? false, logger ?? NullLogger<ZipProvider>.Instance)
    {
    }

    private ZipProvider(ZipIndex index, bool writable, ILogger logger)
        : base(index.Tree)
    {
        _index = index;
        _writable = writable;
        _logger = logger;
        _asMounted = writable ? Snapshot() : [];
    }

    public override bool IsReadOnly => !_writable;

    public void Dispose()
    {
        try
        {
            if (_writable && !Snapshot().SequenceEqual(_asMounted)) WriteBack();
        }
        finally
        {
            _index.Dispose();
        }
    }
}
