using System.ComponentModel;
using System.Text;
using PtFs.Vfs;

[assembly: PtFsProvider("hello", typeof(HelloProvider), Options = typeof(HelloOptions), Description = "One file, /hello, that greets you.")]

public sealed class HelloOptions
{
    [Description("Who the greeting is for.")]
    public string Name { get; set; } = "world";
}

/// <summary>The smallest useful provider: a root directory holding one read-only file.</summary>
public sealed class HelloProvider(HelloOptions options) : ReadOnlyFileSystemProvider
{
    private readonly byte[] _text = Encoding.UTF8.GetBytes($"hello, {options.Name}\n");

    public override Errno GetAttributes(string path, out FileStat stat)
    {
        stat = path switch { "/" => FileStat.Directory(), "/hello" => FileStat.File(_text.Length), _ => default };
        return path is "/" or "/hello" ? Errno.Ok : Errno.ENOENT;
    }

    public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = path == "/" ? [new DirectoryEntry("hello", FileType.Regular)] : [];
        return path == "/" ? Errno.Ok : Errno.ENOTDIR;
    }

    public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        int start = (int)Math.Min(offset, _text.Length);
        bytesRead = Math.Min(buffer.Length, _text.Length - start);
        _text.AsSpan(start, bytesRead).CopyTo(buffer);
        return Errno.Ok;
    }
}
