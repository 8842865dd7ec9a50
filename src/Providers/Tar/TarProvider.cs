using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using PtFs.Providers.Archives;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Tar;

/// <summary>
/// A tar archive (.tar, or gzip-compressed .tar.gz/.tgz) as a read-only tree: System.Formats.Tar reads the
/// headers once (long names, pax and GNU headers, symlinks, hard links), and members are then read in
/// place at their data offsets. A gzip-compressed archive is decompressed once, into an unlinked
/// temporary file, since deflate cannot be entered in the middle.
/// </summary>
public sealed partial class TarProvider : TreeFileSystemProvider, IDisposable
{
    // What decompressing a .tar.gz leaves free in the temporary directory.
    private const long SpareTemporarySpace = 256L << 20;

    private readonly SafeFileHandle _archive;

    public TarProvider(MountSettings settings, ILogger<TarProvider>? logger = null)
        : this(Index(settings.RequireSource("tar"), logger ?? NullLogger<TarProvider>.Instance))
    {
    }

    private TarProvider((SafeFileHandle Archive, FileTree Tree) index) : base(index.Tree)
    {
        _archive = index.Archive;
    }

    public void Dispose() => _archive.Dispose();

    private static (SafeFileHandle, FileTree) Index(string path, ILogger logger)
    {
        var archive = OpenUncompressed(path);
        try
        {
            return (archive, Build(archive, path, logger));
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static FileTree Build(SafeFileHandle archive, string path, ILogger logger)
    {
        var owner = ArchiveOwner.Of(path);
        var builder = new ArchiveTreeBuilder(owner.Directory(), path, logger);
        using var stream = new FileStream(new SafeFileHandle(archive.DangerousGetHandle(), ownsHandle: false), FileAccess.Read);
        TarHeaderGuard.Check(stream, path);
        stream.Position = 0;
        using var reader = new TarReader(stream);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var time = UnixTime.FromDateTime(entry.ModificationTime.UtcDateTime);
                var stat = owner.Stat((uint)entry.Mode & 0xFFF, time) with { Uid = (uint)entry.Uid, Gid = (uint)entry.Gid };
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        builder.AddDirectory(entry.Name, stat with { Type = FileType.Directory });
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var content = new SliceContent(archive, entry.DataOffset, entry.Length, entry.Name);
                        builder.AddLeaf(entry.Name, new TreeFile(stat with { Type = FileType.Regular, Links = 1 }, content));
                        break;
                    case TarEntryType.SymbolicLink:
                        builder.AddLeaf(entry.Name, new TreeSymlink(stat with { Type = FileType.Symlink, Links = 1 }, entry.LinkName));
                        break;
                    case TarEntryType.HardLink:
                        if (!builder.AddHardLink(entry.Name, entry.LinkName)) LogBadHardLink(logger, path, entry.Name, entry.LinkName);
                        break;
                    default:
                        LogSkipped(logger, path, entry.Name, entry.EntryType);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new FsException(Errno.EINVAL, $"{path}: not a readable tar archive: {e.Message}");
        }
        return builder.Tree;
    }

    /// <summary>The archive itself, or for gzip (by its magic bytes, whatever the name) its decompressed bytes in an unlinked file.</summary>
    private static SafeFileHandle OpenUncompressed(string path)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FsException(ErrnoMapper.From(e), $"{path}: cannot open the archive: {e.Message}");
        }
        Span<byte> magic = stackalloc byte[2];
        if (RandomAccess.Read(file, magic, 0) < 2 || magic[0] != 0x1f || magic[1] != 0x8b) return file;
        using (file)
        {
            return Decompressed(file, path);
        }
    }

    private static SafeFileHandle Decompressed(SafeFileHandle compressed, string path)
    {
        string temporary = Path.Combine(Path.GetTempPath(), $"ptfs-tar-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
        File.Delete(temporary); // unlinked: the space returns when ptfs exits, however it exits
        try
        {
            using var source = new GZipStream(new FileStream(new SafeFileHandle(compressed.DangerousGetHandle(), ownsHandle: false), FileAccess.Read), CompressionMode.Decompress);
            using var target = new FileStream(new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.ReadWrite);
            // A gzip bomb must not fill the disk: the copy stops short of the free space it found.
            long room = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace - SpareTemporarySpace;
            var chunk = new byte[1 << 20];
            for (int n; (n = source.Read(chunk)) > 0;)
            {
                if (target.Position + n > room)
                    throw new FsException(Errno.ENOSPC, $"{path}: decompresses to more than the free space in {Path.GetTempPath()}");
                target.Write(chunk, 0, n);
            }
            return handle;
        }
        catch (FsException)
        {
            handle.Dispose();
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            handle.Dispose();
            throw new FsException(Errno.EINVAL, $"{path}: cannot decompress the archive: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Archive}: {Name} is a {Type} member; it is left out")]
    private static partial void LogSkipped(ILogger logger, string archive, string name, TarEntryType type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Archive}: hard link {Name} points to {Target}, which is not an earlier file; it is left out")]
    private static partial void LogBadHardLink(ILogger logger, string archive, string name, string target);
}
