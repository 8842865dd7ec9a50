using System.Globalization;
using System.Text;
using PtFs.Interceptor;
using PtFs.Vfs;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Mapping;
using Errno = PtFs.Vfs.Errno;

namespace PtFs.Cli.Mounting;

/// <summary>The interceptor's stopped syscall, as the VFS asks for it: memory, paths, placeholders, /proc facts.</summary>
internal sealed class TraceeSyscall(SyscallContext context, Placeholders placeholders, Snapshots snapshots, TransportCounters moved) : ISyscall
{
    private const int AT_FDCWD = -100, SYS_fcntl = 72, F_SETFD = 2, FD_CLOEXEC = 1, O_CLOEXEC = 0x80000, O_RDWR = 2;

    public SyscallContext Context => context;

    public int Pid => context.Pid;

    public int Tid => context.Tid;

    public int Number => context.Number;

    public ulong Arg(int index) => context.Request[index];

    public bool CallerGone => context.TraceeGone;

    public Errno ReadPath(ulong address, out string path)
    {
        path = "";
        var bytes = context.ReadCString(address, PathResolver.PathMax, out bool truncated);
        if (bytes is null) return Errno.EFAULT;
        moved.FromPrograms += bytes.Length;
        if (truncated) return Errno.ENAMETOOLONG;
        path = Encoding.UTF8.GetString(bytes);
        return Errno.Ok;
    }

    public Errno ReadMemory(ulong address, Span<byte> destination) =>
        destination.IsEmpty || ReadMemoryPrefix(address, destination) == destination.Length ? Errno.Ok : Errno.EFAULT;

    public int ReadMemoryPrefix(ulong address, Span<byte> destination)
    {
        int n = (int)Math.Max(0, context.ReadMemory(address, destination));
        moved.FromPrograms += n;
        return n;
    }

    public Errno WriteMemory(ulong address, ReadOnlySpan<byte> source) =>
        source.IsEmpty || WriteMemoryPrefix(address, source) == source.Length ? Errno.Ok : Errno.EFAULT;

    public int WriteMemoryPrefix(ulong address, ReadOnlySpan<byte> source)
    {
        int n = (int)Math.Max(0, context.WriteMemory(address, source));
        moved.ToPrograms += n;
        return n;
    }

    public bool TryGetPayloadBuffer(out Span<byte> buffer) => context.TryGetPayloadBuffer(out buffer);

    public long CreatePlaceholder(bool closeOnExec) => placeholders.Create(context, closeOnExec);

    public long ShareSnapshot(object key, long length, SnapshotReader read, bool executable, long from = 0, long to = long.MaxValue) =>
        context.OpenTracerFile(snapshots.For(key, length, read, from, to, executable).Fd, O_CLOEXEC);

    public ISharedFile CreateSharedFile(string name) => Memfd.Create(name, executable: false);

    public long ShareFile(ISharedFile file, bool writable) => context.OpenTracerFile(((Memfd)file).Fd, O_CLOEXEC | (writable ? O_RDWR : 0));

    public long SetCloseOnExec(int fd, bool closeOnExec) => context.Inject(SYS_fcntl, (ulong)fd, F_SETFD, closeOnExec ? FD_CLOEXEC : 0UL);

    public string? KernelPath(int fd)
    {
        try
        {
            return new FileInfo(fd == AT_FDCWD ? $"/proc/{Pid}/cwd" : $"/proc/{Pid}/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public Credentials Credentials()
    {
        uint uid = 0, gid = 0, realUid = 0, realGid = 0, umask = 0x12; // 022 if /proc says nothing
        uint[] groups = [];
        ulong capabilities = 0;
        // The thread's own status: set*id calls change one thread's ids (glibc then syncs the others).
        foreach (string line in File.ReadLines($"/proc/{Pid}/task/{Tid}/status"))
        {
            if (line.StartsWith("Umask:", StringComparison.Ordinal)) umask = Convert.ToUInt32(line[6..].Trim(), 8);
            else if (line.StartsWith("Uid:", StringComparison.Ordinal)) (realUid, uid) = Ids(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) (realGid, gid) = Ids(line);
            else if (line.StartsWith("Groups:", StringComparison.Ordinal))
                groups = line[7..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(g => uint.Parse(g, CultureInfo.InvariantCulture)).ToArray();
            else if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                capabilities = ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                break;
            }
        }
        return new Credentials(uid, gid, umask, groups) { RealUid = realUid, RealGid = realGid, Capabilities = capabilities };
    }

    // "Uid:\treal\teffective\tsaved\tfilesystem": access is checked with the filesystem id, access(2) with the real one.
    private static (uint Real, uint Filesystem) Ids(string line)
    {
        var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
        return (uint.Parse(fields[1], CultureInfo.InvariantCulture), uint.Parse(fields[4], CultureInfo.InvariantCulture));
    }
}
