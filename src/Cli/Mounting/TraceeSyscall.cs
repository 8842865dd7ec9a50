using System.Globalization;
using System.Text;
using PtFs.Interceptor;
using PtFs.Vfs;
using Errno = PtFs.Vfs.Errno;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>The interceptor's stopped syscall, as the VFS asks for it: memory, paths, placeholders, /proc facts.</summary>
internal sealed class TraceeSyscall(SyscallContext context) : ISyscall
{
    private const int SYS_close = 3, SYS_fcntl = 72, SYS_openat = 257, AT_FDCWD = -100;
    private const int O_PATH = 0x200000, O_CLOEXEC = 0x80000, F_DUPFD = 0, F_DUPFD_CLOEXEC = 1030;

    public SyscallContext Context => context;

    public int Pid => context.Pid;

    public int Tid => context.Tid;

    public int Number => context.Number;

    public ulong Arg(int index) => context.Request[index];

    public Errno ReadPath(ulong address, out string path)
    {
        path = "";
        var bytes = context.ReadCString(address, PathResolver.PathMax, out bool truncated);
        if (bytes is null) return Errno.EFAULT;
        if (truncated) return Errno.ENAMETOOLONG;
        path = Encoding.UTF8.GetString(bytes);
        return Errno.Ok;
    }

    public Errno ReadMemory(ulong address, Span<byte> destination) =>
        destination.IsEmpty || context.ReadMemory(address, destination) == destination.Length ? Errno.Ok : Errno.EFAULT;

    public Errno WriteMemory(ulong address, ReadOnlySpan<byte> source) =>
        source.IsEmpty || context.WriteMemory(address, source) == source.Length ? Errno.Ok : Errno.EFAULT;

    public bool TryGetPayloadBuffer(out Span<byte> buffer) => context.TryGetPayloadBuffer(out buffer);

    /// <summary>
    /// openat("/", O_PATH) in the tracee, moved to the lowest free number at or above the floor, the low copy
    /// closed: an fd that numbers, forks and closes on exec like any other and reads as nothing.
    /// </summary>
    public long CreatePlaceholder(bool closeOnExec)
    {
        ulong slash = context.StackScratch(8);
        if (context.WriteMemory(slash, "/\0"u8) != 2) return -(long)Errno.EFAULT;
        long low = context.Inject(SYS_openat, unchecked((ulong)AT_FDCWD), slash, O_PATH | O_CLOEXEC);
        if (low < 0) return low;
        long fd = context.Inject(SYS_fcntl, (ulong)low, (ulong)(closeOnExec ? F_DUPFD_CLOEXEC : F_DUPFD), VirtualFileSystem.VirtualFdFloor);
        context.Inject(SYS_close, (ulong)low);
        return fd;
    }

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
        uint uid = 0, gid = 0, umask = 0x12; // 022 if /proc says nothing
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("Umask:", StringComparison.Ordinal)) umask = Convert.ToUInt32(line[6..].Trim(), 8);
            else if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = FilesystemId(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) { gid = FilesystemId(line); break; }
        }
        return new Credentials(uid, gid, umask);
    }

    // "Uid:\treal\teffective\tsaved\tfilesystem": files are created with the filesystem id.
    private static uint FilesystemId(string line) =>
        uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[4], CultureInfo.InvariantCulture);
}
