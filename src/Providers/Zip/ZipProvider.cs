using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using PtFs.Providers.Archives;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

/// <summary>
/// A zip archive as a read-only directory tree: entries, the directories their names imply, Unix modes and
/// symlinks from the external attributes, extended timestamps, ZIP64. The tree is built once from the
/// central directory; file bytes are read on demand (<see cref="ZipEntryContent"/>).
/// </summary>
public sealed partial class ZipProvider : TreeFileSystemProvider, IDisposable
{
    private const int CursorsPerArchive = 16, MaxSymlinkLength = 4095;
    private const uint TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000, SymlinkType = 0xA000;

    private readonly SafeFileHandle _archive;
    private readonly InflateCursorPool _cursors;

    public ZipProvider(MountSettings settings, ILogger<ZipProvider>? logger = null)
        : this(Open(settings.RequireSource("zip")), settings.RequireSource("zip"), logger ?? NullLogger<ZipProvider>.Instance)
    {
    }

    private ZipProvider(SafeFileHandle archive, string path, ILogger logger)
        : this(archive, new InflateCursorPool(CursorsPerArchive), path, logger)
    {
    }

    private ZipProvider(SafeFileHandle archive, InflateCursorPool cursors, string path, ILogger logger)
        : base(Build(archive, cursors, path, logger))
    {
        _archive = archive;
        _cursors = cursors;
    }

    public void Dispose()
    {
        _cursors.Dispose();
        _archive.Dispose();
    }

    private static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FsException(ErrnoMapper.From(e), $"{path}: cannot open the archive: {e.Message}");
        }
    }

    private static FileTree Build(SafeFileHandle archive, InflateCursorPool cursors, string path, ILogger logger)
    {
        var entries = ZipDirectory.Read(archive, path);
        var owner = ArchiveOwner.Of(path);
        var builder = new ArchiveTreeBuilder(owner.Directory(), path, logger);
        foreach (var entry in entries)
        {
            var time = UnixTime.FromDateTime(entry.Modified.UtcDateTime);
            uint? unix = entry.UnixMode;
            uint permissions = unix is { } m ? m & 0xFFF : entry.IsDirectory ? 0x1ED : (entry.ExternalAttributes & 1) != 0 ? 0x124u : 0x1A4;
            var stat = owner.Stat(permissions, time);
            if (entry.IsDirectory)
            {
                builder.AddDirectory(entry.Name, stat with { Type = FileType.Directory });
                continue;
            }
            var content = new ZipEntryContent(archive, entry, cursors);
            // Some archivers (Python's ZipFile.open for writing) store permissions without type bits: a file.
            switch (unix is { } mode && (mode & TypeMask) != 0 ? mode & TypeMask : RegularType)
            {
                case SymlinkType when entry.Size <= MaxSymlinkLength:
                    builder.AddLeaf(entry.Name, new TreeSymlink(stat with { Type = FileType.Symlink, Links = 1 }, ReadTarget(content, entry, logger)));
                    break;
                case RegularType or SymlinkType:
                    builder.AddLeaf(entry.Name, new TreeFile(stat with { Type = FileType.Regular, Links = 1, AllocatedBytes = entry.CompressedSize }, content));
                    break;
                default:
                    LogSkipped(logger, path, entry.Name);
                    break;
            }
        }
        return builder.Tree;
    }

    /// <summary>A symlink's target is its content; damaged, it becomes an empty target (ENOENT when followed).</summary>
    private static string ReadTarget(ZipEntryContent content, ZipEntryRecord entry, ILogger logger)
    {
        var bytes = new byte[entry.Size];
        try
        {
            content.Read(0, bytes);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
        catch (FsException e)
        {
            LogDamagedLink(logger, e.Message);
            return "";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Archive}: {Name} is a device, fifo or socket; it is left out")]
    private static partial void LogSkipped(ILogger logger, string archive, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a symlink cannot be read: {Reason}")]
    private static partial void LogDamagedLink(ILogger logger, string reason);
}
