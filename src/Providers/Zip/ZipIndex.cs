using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using PtFs.Providers.Archives;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

/// <summary>
/// A zip archive opened and its tree built once from the central directory: entries, the directories
/// their names imply, Unix modes and symlinks from the external attributes, extended timestamps, ZIP64.
/// File bytes are read on demand (<see cref="ZipEntryContent"/>).
/// </summary>
internal sealed partial class ZipIndex : IDisposable
{
    private const int CursorsPerArchive = 16, MaxSymlinkLength = 4095;
    private const uint TypeMask = 0xF000, RegularType = 0x8000, SymlinkType = 0xA000;

    private readonly InflateCursorPool _cursors = new(CursorsPerArchive);

    private ZipIndex(string path, SafeFileHandle archive)
    {
        Path = path;
        Archive = archive;
    }

    public string Path { get; }

    public SafeFileHandle Archive { get; }

    public FileTree Tree { get; private set; } = null!;

    /// <summary>The archive's comment, kept when it is written back.</summary>
    public byte[] Comment { get; private set; } = [];

    /// <summary>Directories the archive has entries for (the others exist only inside names).</summary>
    public HashSet<TreeDirectory> ExplicitDirectories { get; private set; } = [];

    public static ZipIndex Open(string path, ILogger logger)
    {
        SafeFileHandle archive;
        try
        {
            archive = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FsException(ErrnoMapper.From(e), $"{path}: cannot open the archive: {e.Message}");
        }
        var index = new ZipIndex(path, archive);
        try
        {
            index.Build(logger);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _cursors.Dispose();
        Archive.Dispose();
    }

    private void Build(ILogger logger)
    {
        string path = Path;
        var entries = ZipDirectory.Read(Archive, path, out var comment);
        Comment = comment;
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
            var content = new ZipEntryContent(Archive, entry, _cursors);
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
        Tree = builder.Tree;
        ExplicitDirectories = builder.ExplicitDirectories;
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
