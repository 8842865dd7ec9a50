using System.Buffers.Binary;
using System.Text;
using PtFs.Vfs;
using PtFs.Vfs.Kernel;
using static PtFs.Providers.Passthrough.HostCalls;

namespace PtFs.Providers.Passthrough;

/// <summary>
/// A host directory, read-write, as the traced program's mount. Every host call is relative to a directory
/// fd opened with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS under the root, so neither "..", nor a symlink,
/// nor a rename racing with the program can make the provider touch anything outside the directory.
/// </summary>
public sealed partial class PassthroughProvider : IWritableFileSystemProvider, IDisposable
{
    private readonly int _root;
    private readonly uint _uid;
    private readonly ulong _rootDevice;

    public PassthroughProvider(MountSettings settings)
    {
        string source = settings.RequireSource("passthrough");
        _root = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (_root < 0) throw new FsException((Errno)LastError, $"cannot use {source} as the passthrough source: {(Errno)LastError}");
        _uid = ProcessIdentity.Current().Uid;
        _rootDevice = DeviceOf(_root);
    }

    public unsafe Errno GetAttributes(string path, out FileStat stat)
    {
        var buffer = stackalloc byte[StatLayout.StatSize];
        var errno = path == "/"
            ? Check(fstatat(_root, "", buffer, AT_EMPTY_PATH))
            : InParent(path, (dir, name) => fstatat(dir, name, buffer, AT_SYMLINK_NOFOLLOW));
        stat = errno == Errno.Ok ? Stat(buffer) : default;
        return errno;
    }

    public unsafe Errno GetAttributes(FileHandle handle, out FileStat stat)
    {
        var buffer = stackalloc byte[StatLayout.StatSize];
        var errno = Check(fstat(((HostHandle)handle).Fd, buffer));
        stat = errno == Errno.Ok ? Stat(buffer) : default;
        return errno;
    }

    private unsafe FileStat Stat(byte* buffer)
    {
        var stat = StatLayout.ReadStat(new ReadOnlySpan<byte>(buffer, StatLayout.StatSize));
        return stat with { Inode = Inode(*(ulong*)buffer, stat.Inode) };
    }

    /// <summary>
    /// Inode numbers are unique only per host device, and the VFS gives the whole mount one st_dev: a file on
    /// a host filesystem mounted below the source gets its device folded into its number (with bit 61 set,
    /// apart from the source's own numbers), so that two files never share one.
    /// </summary>
    private ulong Inode(ulong device, ulong inode) => device == _rootDevice ? inode : (inode ^ (device * 0x9E3779B97F4A7C15UL)) | 1UL << 61;

    private static unsafe ulong DeviceOf(int fd)
    {
        var buffer = stackalloc byte[StatLayout.StatSize];
        return fstat(fd, buffer) == 0 ? *(ulong*)buffer : 0;
    }

    public Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries) =>
        List(OpenBeneath(_root, Relative(path), O_RDONLY | O_DIRECTORY), out entries);

    /// <summary>An open directory, wherever it was moved: listed through a fresh fd of its own (its own offset).</summary>
    public Errno ReadDirectory(FileHandle handle, out IReadOnlyList<DirectoryEntry> entries) =>
        List(OpenBeneath(((HostHandle)handle).Fd, ".", O_RDONLY | O_DIRECTORY), out entries);

    /// <summary>Every name in the directory open at <paramref name="fd"/> (or the errno that failed to open it), closing fd.</summary>
    private unsafe Errno List(int fd, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = [];
        if (fd < 0) return (Errno)LastError;
        ulong device = DeviceOf(fd);
        var list = new List<DirectoryEntry>();
        var buffer = new byte[32768];
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = buffer) n = getdents64(fd, p, (nuint)buffer.Length);
                if (n < 0) return (Errno)LastError;
                if (n == 0) break;
                for (int at = 0; at < n;)
                {
                    var record = buffer.AsSpan(at);
                    int length = BinaryPrimitives.ReadUInt16LittleEndian(record[16..]);
                    var name = record[19..length];
                    string text = Encoding.UTF8.GetString(name[..name.IndexOf((byte)0)]);
                    if (text is not "." and not "..")
                        list.Add(new DirectoryEntry(text, TypeOf(fd, text, record[18]), Inode(device, BinaryPrimitives.ReadUInt64LittleEndian(record))));
                    at += length;
                }
            }
        }
        finally
        {
            close(fd);
        }
        entries = list;
        return Errno.Ok;
    }

    public unsafe Errno ReadLink(string path, out string target)
    {
        var buffer = new byte[PathResolver.PathMax];
        nint n = -1;
        var errno = InParent(path, (dir, name) =>
        {
            fixed (byte* p = buffer) n = readlinkat(dir, name, p, (nuint)buffer.Length);
            return (int)Math.Min(n, 0);
        });
        target = errno == Errno.Ok ? Encoding.UTF8.GetString(buffer, 0, (int)n) : "";
        return errno;
    }

    public Errno Open(string path, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        int access = (int)flags & O_ACCMODE;
        // O_NONBLOCK: a FIFO or device in the host directory must not stop the tracer inside open.
        int fd = OpenBeneath(_root, Relative(path), access | O_NOFOLLOW | O_NONBLOCK | ((int)flags & O_DIRECTORY));
        if (fd < 0) return (Errno)LastError;
        handle = new HostHandle(path, flags, fd);
        if (GetAttributes(handle, out var stat) == Errno.Ok && stat.Type is FileType.Regular or FileType.Directory) return Errno.Ok;
        close(fd);
        handle = null!;
        return Errno.ENXIO; // only files and directories are served
    }

    public unsafe Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        fixed (byte* p = buffer) return Transfer(((HostHandle)handle).Fd, p, buffer.Length, offset, write: false, out bytesRead);
    }

    public unsafe Errno Write(FileHandle handle, long offset, ReadOnlySpan<byte> data, out int bytesWritten)
    {
        fixed (byte* p = data) return Transfer(((HostHandle)handle).Fd, p, data.Length, offset, write: true, out bytesWritten);
    }

    /// <summary>pread/pwrite until all of it moved, the end of the file (reads), or an error after some bytes.</summary>
    private static unsafe Errno Transfer(int fd, byte* buffer, int length, long offset, bool write, out int done)
    {
        done = 0;
        while (done < length)
        {
            nint n = write
                ? pwrite64(fd, buffer + done, (nuint)(length - done), offset + done)
                : pread64(fd, buffer + done, (nuint)(length - done), offset + done);
            if (n < 0) return done > 0 ? Errno.Ok : (Errno)LastError;
            if (n == 0) break;
            done += (int)n;
        }
        return Errno.Ok;
    }

    public void Release(FileHandle handle) => close(((HostHandle)handle).Fd);

    public Errno Create(string path, uint mode, uint uid, uint gid, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        int fd = OpenBeneath(_root, Relative(path), ((int)flags & O_ACCMODE) | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
        if (fd < 0) return (Errno)LastError;
        fchmod(fd, mode); // the host's umask must not narrow what the program's umask allowed
        GiveAway(fd, "", uid, gid, AT_EMPTY_PATH);
        handle = new HostHandle(path, flags, fd);
        return Errno.Ok;
    }

    public Errno SetSize(string path, long size)
    {
        int fd = OpenBeneath(_root, Relative(path), 1 /* O_WRONLY */ | O_NOFOLLOW);
        if (fd < 0) return (Errno)LastError;
        try { return Check(ftruncate(fd, size)); }
        finally { close(fd); }
    }

    // O_RDONLY|O_TRUNC truncates too, but not through a read-only fd: then by the name it was opened with.
    public Errno SetSize(FileHandle handle, long size) =>
        handle.Flags.CanWrite() ? Check(ftruncate(((HostHandle)handle).Fd, size)) : SetSize(handle.Path, size);

    public Errno MakeDirectory(string path, uint mode, uint uid, uint gid) => InParent(path, (dir, name) =>
    {
        if (mkdirat(dir, name, mode) < 0) return -1;
        fchmodat(dir, name, mode, AT_SYMLINK_NOFOLLOW);
        GiveAway(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
        return 0;
    });

    public Errno RemoveDirectory(string path) => InParent(path, (dir, name) => unlinkat(dir, name, AT_REMOVEDIR));

    public Errno Unlink(string path) => InParent(path, (dir, name) => unlinkat(dir, name, 0));

    public Errno Rename(string from, string to, RenameFlags flags) =>
        InParent(from, (fromDir, fromName) => InParentRaw(to, (toDir, toName) => renameat2(fromDir, fromName, toDir, toName, (uint)flags)));

    public Errno Link(string existing, string newPath) =>
        InParent(existing, (fromDir, fromName) => InParentRaw(newPath, (toDir, toName) => linkat(fromDir, fromName, toDir, toName, 0)));

    public Errno Symlink(string target, string linkPath, uint uid, uint gid) => InParent(linkPath, (dir, name) =>
    {
        if (symlinkat(target, dir, name) < 0) return -1;
        GiveAway(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
        return 0;
    });

    // NOFOLLOW: a symlink swapped in for the name must not lead the change outside the root.
    public Errno SetMode(string path, uint mode) => path == "/"
        ? Check(chmod($"/proc/self/fd/{_root}", mode))
        : InParent(path, (dir, name) => fchmodat(dir, name, mode, AT_SYMLINK_NOFOLLOW));

    public Errno SetOwner(string path, uint uid, uint gid) => path == "/"
        ? Check(fchownat(_root, "", uid, gid, AT_EMPTY_PATH))
        : InParent(path, (dir, name) => fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW));

    public unsafe Errno SetTimes(string path, UnixTime? access, UnixTime? modify)
    {
        long* times = stackalloc long[4];
        Times(times, access, modify);
        return path == "/" ? Check(utimensat(_root, "", times, AT_EMPTY_PATH)) : InParent(path, (dir, name) => utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW));
    }

    public Errno SetMode(FileHandle handle, uint mode) => Check(fchmod(((HostHandle)handle).Fd, mode));

    public Errno SetOwner(FileHandle handle, uint uid, uint gid) => Check(fchownat(((HostHandle)handle).Fd, "", uid, gid, AT_EMPTY_PATH));

    public unsafe Errno SetTimes(FileHandle handle, UnixTime? access, UnixTime? modify)
    {
        long* times = stackalloc long[4];
        Times(times, access, modify);
        return Check(futimens(((HostHandle)handle).Fd, times));
    }

    public Errno Flush(FileHandle handle) => Check(fsync(((HostHandle)handle).Fd));

    public unsafe Errno GetFileSystemStats(out FsStats stats)
    {
        var b = stackalloc byte[120];
        var errno = Check(fstatfs(_root, b));
        long Field(int i) => ((long*)b)[i];
        stats = errno == Errno.Ok ? new FsStats(Field(1), Field(2), Field(4), Field(5), Field(6), Field(0), Field(8)) : default;
        return errno;
    }

    public void Dispose() => close(_root);

    /// <summary>A struct timespec[2] for utimensat; null is UTIME_OMIT.</summary>
    private static unsafe void Times(long* times, UnixTime? access, UnixTime? modify)
    {
        const long UTIME_OMIT = (1L << 30) - 2;
        (times[0], times[1]) = access is { } a ? (a.Seconds, (long)a.Nanoseconds) : (0L, UTIME_OMIT);
        (times[2], times[3]) = modify is { } m ? (m.Seconds, (long)m.Nanoseconds) : (0L, UTIME_OMIT);
    }

    /// <summary>Files the program creates belong to it when ptfs may say so (root); otherwise to ptfs's user.</summary>
    private void GiveAway(int dir, string name, uint uid, uint gid, int flags)
    {
        if (_uid == 0) fchownat(dir, name, uid, gid, flags);
    }

    private static string Relative(string path) => path == "/" ? "." : path[1..];

    private static Errno Check(int result) => result < 0 ? (Errno)LastError : Errno.Ok;

    /// <summary>d_type is the S_IFMT bits shifted down; a filesystem that says DT_UNKNOWN is asked with lstat.</summary>
    private static unsafe FileType TypeOf(int directory, string name, byte direntType)
    {
        if (direntType != 0) return (FileType)(direntType << 12);
        var buffer = stackalloc byte[StatLayout.StatSize];
        return fstatat(directory, name, buffer, AT_SYMLINK_NOFOLLOW) == 0
            ? StatLayout.ReadStat(new ReadOnlySpan<byte>(buffer, StatLayout.StatSize)).Type
            : FileType.Regular;
    }

    /// <summary>Runs <paramref name="call"/> on the parent directory's fd (opened beneath the root) and the last name.</summary>
    private Errno InParent(string path, Func<int, string, int> call)
    {
        int result = InParentRaw(path, call);
        return result < 0 ? (Errno)(-result) : Errno.Ok;
    }

    /// <summary>As <see cref="InParent"/>, but returns -errno, for nesting two parents (rename, link).</summary>
    private int InParentRaw(string path, Func<int, string, int> call)
    {
        int slash = path.LastIndexOf('/');
        string parent = slash <= 0 ? "/" : path[..slash], name = path[(slash + 1)..];
        if (name.Length == 0) return -(int)Errno.EBUSY;
        int dir = parent == "/" ? _root : OpenBeneath(_root, Relative(parent), O_PATH | O_DIRECTORY);
        if (dir < 0) return -LastError;
        try
        {
            int result = call(dir, name);
            return result < 0 ? -LastError : 0;
        }
        finally
        {
            if (dir != _root) close(dir);
        }
    }

    private sealed class HostHandle(string path, OpenFlags flags, int fd) : FileHandle(path, flags)
    {
        public int Fd { get; } = fd;
    }
}
