using System.Text;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mapping;

namespace PtFs.Vfs.Tests;

/// <summary>
/// A traced process without ptrace: flat memory at 0x10000, a kernel fd table reduced to which numbers
/// are taken, and a way to make syscalls against a <see cref="VirtualFileSystem"/> the way the
/// interceptor would (Observe outcomes get the kernel's result the test supplies).
/// </summary>
internal sealed class FakeProcess(VirtualFileSystem vfs, int pid)
{
    public const ulong Base = 0x10000;
    private readonly byte[] _memory = new byte[4 << 20];
    private readonly byte[] _slot = new byte[1 << 20];
    private int _cursor;

    public int Pid { get; } = pid;

    public SortedSet<int> KernelFds { get; init; } = [0, 1, 2];

    /// <summary>Where the fake kernel mapped the file the VFS gave as <paramref name="fd"/>.</summary>
    public static long AddressOf(long fd) => 0x7000_0000_0000 + (fd << 32);

    /// <summary>What the VFS gave the process to map in place of a virtual fd, by the fd it made.</summary>
    public Dictionary<long, ISharedFile> Shared { get; } = [];

    /// <summary>Root unless a test says otherwise.</summary>
    public Credentials Who { get; init; } = new(0, 0, 0x12, []);

    /// <summary>Puts bytes (a NUL-terminated string for paths) into memory and returns their address.</summary>
    public ulong Put(string text) => Put(Encoding.UTF8.GetBytes(text + "\0"));

    public ulong Put(byte[] bytes)
    {
        ulong at = Base + (ulong)_cursor;
        bytes.CopyTo(_memory, _cursor);
        _cursor += (bytes.Length + 15) & ~15;
        return at;
    }

    public ulong Alloc(int length) => Put(new byte[length]);

    public byte[] Bytes(ulong address, int length) => _memory.AsSpan((int)(address - Base), length).ToArray();

    /// <summary>Makes the syscall; the kernel's part (placeholders, dups, closes) is simulated.</summary>
    public long Call(int number, params long[] args)
    {
        var call = new FakeCall(this, number, args);
        var outcome = vfs.Handle(call);
        switch (outcome.Kind)
        {
            case OutcomeKind.Complete:
                return outcome.Result;
            case OutcomeKind.CompleteWithPayload:
                _slot.AsSpan(0, outcome.Length).CopyTo(_memory.AsSpan((int)(outcome.Destination - Base)));
                return outcome.Result;
            case OutcomeKind.SubstituteFd:
                long fd = (long)outcome.Destination; // what the kernel would map: see Shared
                vfs.HandleExit(call, AddressOf(fd));
                return fd;
            case OutcomeKind.Observe or OutcomeKind.PassThrough:
                long result = RunInKernel(number, args);
                if (outcome.Kind == OutcomeKind.Observe) vfs.HandleExit(call, result);
                return result;
            default:
                throw new InvalidOperationException($"unexpected {outcome.Kind}");
        }
    }

    /// <summary>What the kernel does with the placeholder fds in the calls the VFS passes on.</summary>
    private long RunInKernel(int number, long[] args)
    {
        switch (number)
        {
            case Sys.close:
                return KernelFds.Remove((int)args[0]) ? 0 : -9;
            case Sys.dup:
                return Allocate(0);
            case Sys.dup2:
                KernelFds.Add((int)args[1]);
                return args[1];
            case Sys.fcntl when args[1] is 0 or 1030:
                return Allocate((int)args[2]);
            default:
                return 0;
        }
    }

    public int Allocate(int from)
    {
        int fd = from;
        while (KernelFds.Contains(fd)) fd++;
        KernelFds.Add(fd);
        return fd;
    }

    private sealed class FakeCall(FakeProcess process, int number, long[] args) : ISyscall
    {
        public int Pid => process.Pid;

        public int Tid => process.Pid;

        public int Number => number;

        public ulong Arg(int index) => index < args.Length ? (ulong)args[index] : 0;

        public Errno ReadPath(ulong address, out string path)
        {
            var span = process._memory.AsSpan((int)(address - Base));
            path = Encoding.UTF8.GetString(span[..span.IndexOf((byte)0)]);
            return Errno.Ok;
        }

        public Errno ReadMemory(ulong address, Span<byte> destination)
        {
            process._memory.AsSpan((int)(address - Base), destination.Length).CopyTo(destination);
            return Errno.Ok;
        }

        public Errno WriteMemory(ulong address, ReadOnlySpan<byte> source)
        {
            source.CopyTo(process._memory.AsSpan((int)(address - Base)));
            return Errno.Ok;
        }

        public bool TryGetPayloadBuffer(out Span<byte> buffer)
        {
            buffer = process._slot;
            return true;
        }

        public long CreatePlaceholder(bool closeOnExec) => process.Allocate(VirtualFileSystem.VirtualFdFloor);

        public long ShareSnapshot(object key, long length, SnapshotReader read, bool executable, long from = 0, long to = long.MaxValue) => -(long)Errno.ENODEV; // no process to hand an fd to

        public ISharedFile CreateSharedFile(string name) => new FakeSharedFile();

        public long ShareFile(ISharedFile file, bool writable)
        {
            int fd = process.Allocate(3);
            process.Shared[fd] = file;
            return fd;
        }

        public long SetCloseOnExec(int fd, bool closeOnExec) => process.KernelFds.Contains(fd) ? 0 : -9;

        public string? KernelPath(int fd) => "/";

        public Credentials Credentials() => process.Who;
    }
}
