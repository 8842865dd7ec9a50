using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PtFs.Vfs;

[assembly: PtFsProvider("encrypted", typeof(EncryptedProvider), Options = typeof(EncryptionOptions), Source = "what the inner provider takes (a host directory)",
    Description = "File contents encrypted at rest (AES-256-CTR) over another provider; names and attributes stay as they are.")]

/// <summary>
/// A provider layered over another one, as in the Goanna paper's examples: every regular file the inner
/// provider stores starts with a random 16-byte nonce, followed by the contents XORed with an AES-CTR
/// keystream. Programs see the plain bytes and sizes; the host directory holds only ciphertext.
/// Everything but contents and sizes passes straight through.
/// </summary>
public sealed class EncryptedProvider : IWritableFileSystemProvider, IDisposable
{
    private const int Header = Keystream.NonceSize;
    private readonly IFileSystemProvider _inner;
    private readonly Keystream _keystream;

    public EncryptedProvider(MountSettings settings, EncryptionOptions options, IServiceProvider services)
    {
        if (options.Passphrase.Length == 0) throw new FsException(Errno.EINVAL, "the encrypted provider needs --option passphrase=...");
        _inner = services.GetKeyedService<IProviderFactory>(options.Inner)?.Create(settings with { Options = new Dictionary<string, string>() })
            ?? throw new FsException(Errno.EINVAL, $"no provider called '{options.Inner}' to store the encrypted files");
        _keystream = new Keystream(SHA256.HashData(Encoding.UTF8.GetBytes(options.Passphrase)));
    }

    private IWritableFileSystemProvider Writable => _inner as IWritableFileSystemProvider ?? throw new FsException(Errno.EROFS);

    public Errno GetAttributes(string path, out FileStat stat) => Plain(_inner.GetAttributes(path, out stat), ref stat);

    public Errno GetAttributes(FileHandle handle, out FileStat stat) => Plain(_inner.GetAttributes(Inner(handle), out stat), ref stat);

    public Errno Open(string path, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        var errno = _inner.Open(path, InnerFlags(flags), out var inner);
        if (errno != Errno.Ok) return errno;
        return Wrap(inner, out handle);
    }

    public Errno Create(string path, uint mode, uint uid, uint gid, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        var errno = Writable.Create(path, mode, uid, gid, InnerFlags(flags), out var inner);
        if (errno != Errno.Ok) return errno;
        return Wrap(inner, out handle);
    }

    public Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        var h = (EncryptedHandle)handle;
        bytesRead = 0;
        if (h.Regular && h.Nonce is null)
        {
            var loaded = ReadNonce(h.Inner, out var nonce);
            if (loaded != Errno.Ok || nonce is null) return loaded; // an error, or still empty
            h.Nonce = nonce;
        }
        var errno = _inner.Read(h.Inner, offset + Header, buffer, out bytesRead);
        if (errno == Errno.Ok && h.Nonce is { } key) _keystream.Apply(key, offset, buffer[..bytesRead]);
        return errno;
    }

    public Errno Write(FileHandle handle, long offset, ReadOnlySpan<byte> data, out int bytesWritten)
    {
        var h = (EncryptedHandle)handle;
        var cipher = data.ToArray();
        _keystream.Apply(h.Nonce ?? throw new FsException(Errno.EIO, "write on a file opened read-only"), offset, cipher);
        return Writable.Write(h.Inner, offset + Header, cipher, out bytesWritten);
    }

    public Errno SetSize(string path, long size) => Writable.SetSize(path, size + Header);

    public Errno SetSize(FileHandle handle, long size) => Writable.SetSize(Inner(handle), size + Header);

    public Errno SetMode(FileHandle handle, uint mode) => Writable.SetMode(Inner(handle), mode);

    public Errno SetOwner(FileHandle handle, uint uid, uint gid) => Writable.SetOwner(Inner(handle), uid, gid);

    public Errno SetTimes(FileHandle handle, UnixTime? access, UnixTime? modify) => Writable.SetTimes(Inner(handle), access, modify);

    public Errno ReadDirectory(FileHandle handle, out IReadOnlyList<DirectoryEntry> entries) => _inner.ReadDirectory(Inner(handle), out entries);

    public Errno Flush(FileHandle handle) => Writable.Flush(Inner(handle));

    public void Release(FileHandle handle) => _inner.Release(Inner(handle));

    // Names, directories, links and attributes are the inner provider's business.
    public Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries) => _inner.ReadDirectory(path, out entries);

    public Errno ReadLink(string path, out string target) => _inner.ReadLink(path, out target);

    public Errno GetFileSystemStats(out FsStats stats) => _inner.GetFileSystemStats(out stats);

    public Errno MakeDirectory(string path, uint mode, uint uid, uint gid) => Writable.MakeDirectory(path, mode, uid, gid);

    public Errno RemoveDirectory(string path) => Writable.RemoveDirectory(path);

    public Errno Unlink(string path) => Writable.Unlink(path);

    public Errno Rename(string from, string to, RenameFlags flags) => Writable.Rename(from, to, flags);

    public Errno Link(string existing, string newPath) => Writable.Link(existing, newPath);

    public Errno Symlink(string target, string linkPath, uint uid, uint gid) => Writable.Symlink(target, linkPath, uid, gid);

    public Errno SetMode(string path, uint mode) => Writable.SetMode(path, mode);

    public Errno SetOwner(string path, uint uid, uint gid) => Writable.SetOwner(path, uid, gid);

    public Errno SetTimes(string path, UnixTime? access, UnixTime? modify) => Writable.SetTimes(path, access, modify);

    public void Dispose()
    {
        _keystream.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    /// <summary>A regular file's size without its nonce.</summary>
    private static Errno Plain(Errno errno, ref FileStat stat)
    {
        if (errno == Errno.Ok && stat.Type == FileType.Regular) stat.Size = Math.Max(0, stat.Size - Header);
        return errno;
    }

    /// <summary>
    /// Reads a regular file's nonce, or gives an empty file one (a file just created, or emptied). A reader
    /// of an empty file reads its nonce once there is one.
    /// </summary>
    private Errno Wrap(FileHandle inner, out FileHandle handle)
    {
        handle = null!;
        var errno = _inner.GetAttributes(inner, out var stat);
        byte[]? nonce = null;
        if (errno == Errno.Ok && stat.Type == FileType.Regular)
        {
            if (stat.Size > 0) errno = ReadNonce(inner, out nonce);
            else if (inner.Flags.CanWrite())
            {
                nonce = new byte[Header];
                RandomNumberGenerator.Fill(nonce);
                errno = Writable.Write(inner, 0, nonce, out _);
            }
        }
        if (errno != Errno.Ok)
        {
            _inner.Release(inner);
            return errno;
        }
        handle = new EncryptedHandle(inner, stat.Type == FileType.Regular) { Nonce = nonce };
        return Errno.Ok;
    }

    /// <summary>The nonce at the start of the inner file; null while the file is empty, EIO when it is too short to be ours.</summary>
    private Errno ReadNonce(FileHandle inner, out byte[]? nonce)
    {
        nonce = new byte[Header];
        var errno = _inner.Read(inner, 0, nonce, out int n);
        if (errno == Errno.Ok && n == 0) nonce = null;
        else if (errno == Errno.Ok && n < Header) errno = Errno.EIO;
        return errno;
    }

    /// <summary>The inner file is always opened for reading too (the nonce is read back) and never for appending (offsets shift by the nonce).</summary>
    private static OpenFlags InnerFlags(OpenFlags flags) =>
        flags.CanWrite() ? (flags & ~(OpenFlags.WriteOnly | OpenFlags.Append)) | OpenFlags.ReadWrite : flags;

    private static FileHandle Inner(FileHandle handle) => ((EncryptedHandle)handle).Inner;

    private sealed class EncryptedHandle(FileHandle inner, bool regular) : FileHandle(inner.Path, inner.Flags)
    {
        public FileHandle Inner { get; } = inner;

        public bool Regular { get; } = regular;

        public byte[]? Nonce { get; set; }
    }
}
