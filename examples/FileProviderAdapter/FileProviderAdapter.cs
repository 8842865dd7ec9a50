using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.FileProviders;
using PtFs.Vfs;

[assembly: PtFsProvider("fileprovider", typeof(FileProviderAdapter), Options = typeof(FileProviderOptions), Source = "a directory (physical) or an assembly (embedded)",
    Description = "Any Microsoft.Extensions.FileProviders provider, read-only: a physical directory or an assembly's embedded resources.")]

public sealed class FileProviderOptions
{
    [Description("physical (a directory) or embedded (an assembly's manifest resources).")]
    public string Kind { get; set; } = "physical";
}

/// <summary>
/// Serves an <see cref="IFileProvider"/> as a read-only tree. IFileProvider knows names, lengths, times and
/// streams, so modes are fixed (0755 directories, 0644 files) and everything belongs to whoever runs ptfs.
/// </summary>
public sealed class FileProviderAdapter : ReadOnlyFileSystemProvider, IDisposable
{
    private readonly IFileProvider _files;

    public FileProviderAdapter(MountSettings settings, FileProviderOptions options)
    {
        string source = settings.RequireSource("fileprovider");
        _files = options.Kind switch
        {
            "physical" => new PhysicalFileProvider(source),
            "embedded" => new EmbeddedFileProvider(Assembly.LoadFrom(source)),
            _ => throw new FsException(Errno.EINVAL, $"--option kind must be physical or embedded, not '{options.Kind}'"),
        };
    }

    public override Errno GetAttributes(string path, out FileStat stat)
    {
        stat = default;
        if (path == "/") { stat = FileStat.Directory(); return Errno.Ok; }
        var info = _files.GetFileInfo(path);
        if (!info.Exists)
        {
            // GetFileInfo finds files only: a directory is described by its parent's listing.
            int slash = path.LastIndexOf('/');
            info = _files.GetDirectoryContents(slash == 0 ? "/" : path[..slash]).FirstOrDefault(f => f.IsDirectory && f.Name == path[(slash + 1)..]);
            if (info is null) return Errno.ENOENT;
        }
        var time = UnixTime.FromDateTime(info.LastModified.UtcDateTime);
        stat = (info.IsDirectory ? FileStat.Directory() : FileStat.File(info.Length)) with { ModifyTime = time, AccessTime = time, ChangeTime = time };
        return Errno.Ok;
    }

    public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
    {
        var contents = _files.GetDirectoryContents(path);
        entries = contents.Exists ? contents.Select(f => new DirectoryEntry(f.Name, f.IsDirectory ? FileType.Directory : FileType.Regular)).ToList() : [];
        return contents.Exists ? Errno.Ok : _files.GetFileInfo(path).Exists ? Errno.ENOTDIR : Errno.ENOENT;
    }

    public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        using var stream = _files.GetFileInfo(handle.Path).CreateReadStream();
        stream.Seek(offset, SeekOrigin.Begin);
        bytesRead = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Errno.Ok;
    }

    public void Dispose() => (_files as IDisposable)?.Dispose();
}
