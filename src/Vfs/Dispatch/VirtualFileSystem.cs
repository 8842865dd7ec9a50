using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PtFs.Vfs.Locks;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

/// <summary>
/// Decides every trapped syscall of every traced process: real paths and fds go back to the kernel
/// untouched, virtual ones are served from the mounted providers with the kernel's semantics. Called on
/// the tracer thread only.
/// </summary>
public sealed partial class VirtualFileSystem
{
    /// <summary>Virtual descriptors are real placeholder fds from here up, so the filter can tell them apart.</summary>
    public const int VirtualFdFloor = 512;

    /// <summary>Where a handler's fd argument would be: the syscall stops always (it takes a path).</summary>
    private const int Always = -1;

    /// <summary>Where a handler's fd argument would be: the syscall stops only in processes the VFS asked it for.</summary>
    private const int OnDemand = -2;

    private delegate SyscallOutcome Handler(ISyscall call, ProcessFiles process);

    private readonly Dictionary<int, (Handler Handle, int FdArgument, string Treatment)> _handlers = [];
    private readonly Dictionary<int, ProcessFiles> _processes = [];
    private readonly Dictionary<int, Func<ISyscall, long, long>> _pendingExits = [];
    private readonly HashSet<int> _warned = [];
    private readonly PathResolver _resolver;
    private int _lastSpace; // address spaces are numbered: a pid may outlive its first one (exec)
    private readonly ILogger _log;

    public VirtualFileSystem(MountTable mounts, ILogger? logger = null)
    {
        Mounts = mounts;
        _resolver = new PathResolver(mounts);
        _log = logger ?? NullLogger.Instance;
        RegisterOpenClose();
        RegisterIo();
        RegisterStat();
        RegisterDirectories();
        RegisterNamespace();
        RegisterDescriptors();
        RegisterXattrs();
        RegisterMisc();
        RegisterLocks();
        RegisterMmap();
        RegisterExec();
    }

    public MountTable Mounts { get; }

    public VfsCounters Counters { get; } = new();

    /// <summary>Syscalls that must always stop: they take a path (or change the cwd).</summary>
    public IEnumerable<int> PathSyscalls => _handlers.Where(h => h.Value.FdArgument == Always).Select(h => h.Key);

    /// <summary>Syscalls that stop only on a virtual fd: number to the index of the fd argument.</summary>
    public IReadOnlyDictionary<int, int> FdSyscalls => _handlers.Where(h => h.Value.FdArgument >= 0).ToDictionary(h => h.Key, h => h.Value.FdArgument);

    /// <summary>
    /// A process appeared: a fork copies its parent's descriptors and cwd (threads share theirs), and its
    /// address space unless the clone shared it (CLONE_VM: vfork, posix_spawn).
    /// </summary>
    public void ProcessStarted(int pid, int? parentPid, bool sharesMemory = false)
    {
        if (parentPid is not { } parent || !_processes.TryGetValue(parent, out var from)) return;
        var child = _processes[pid] = new ProcessFiles(pid, from.Fds.Fork())
        {
            VirtualCwd = from.VirtualCwd,
            VirtualExe = from.VirtualExe,
            MountListings = from.MountListings.ToDictionary(l => l.Key, l => new MountListing(l.Value.Absolute) { Listed = l.Value.Listed }),
            Space = sharesMemory ? from.Space : ++_lastSpace,
            TrapsMsync = from.TrapsMsync, // seccomp filters are inherited
        };
        if (!sharesMemory) MappingsInherited(from.Space, child.Space);
    }

    /// <summary>A process image was replaced: close-on-exec descriptors are gone (the kernel closed the placeholders).</summary>
    public void ProcessExecuted(int pid)
    {
        if (!_processes.TryGetValue(pid, out var process)) return;
        LeaveSpace(process);
        process.Space = ++_lastSpace; // exec made a new address space
        foreach (int fd in process.Fds.Numbers(onlyCloseOnExec: true)) Close(process, fd);
        (process.VirtualExe, process.ExecutingVirtual) = (process.ExecutingVirtual, null);
        process.MountListings.Clear(); // directory fds rarely survive exec; a stale one must not list mount points
        process.KernelCwd = null;
        process.Credentials.Clear(); // a set-id program changes them
    }

    /// <summary>The path of the program <paramref name="pid"/> runs when it came from a mount, else null.</summary>
    public string? VirtualExeOf(int pid) => _processes.TryGetValue(pid, out var process) ? process.VirtualExe?.Path : null;

    public void ProcessExited(int pid)
    {
        if (!_processes.Remove(pid, out var process)) return;
        LeaveSpace(process);
        foreach (int fd in process.Fds.Numbers()) Close(process, fd);
        foreach (var (tid, read) in _payloadReads) if (read.Pid == pid) _payloadReads.Remove(tid);
        _recordLocks.Release(new ProcessLockOwner(pid));
        _lockWaits.Stopped(new ProcessLockOwner(pid));
    }

    /// <summary>Decides a trapped syscall.</summary>
    public SyscallOutcome Handle(ISyscall call)
    {
        if (!_handlers.TryGetValue(call.Number, out var handler)) return SyscallOutcome.PassThrough;
        var process = ProcessOf(call.Pid);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = SyscallOutcome.PassThrough;
        try
        {
            return outcome = handler.Handle(call, process);
        }
        catch (Exception e)
        {
            var errno = ErrnoMapper.From(e);
            if (call.CallerGone) return SyscallOutcome.Fail(errno);
            if (ErrnoMapper.IsUnexpected(e)) LogProviderFailure(_log, call.Number, call.Pid, e);
            else if (errno == Errno.EIO) LogProviderError(_log, call.Number, call.Pid, e.Message); // a provider's own I/O error says why
            return outcome = SyscallOutcome.Fail(errno);
        }
        finally
        {
            Counters.Count(call.Number, started, outcome.Kind is not (OutcomeKind.PassThrough or OutcomeKind.Observe));
        }
    }

    /// <summary>
    /// The result of a syscall <see cref="Handle"/> chose to <see cref="SyscallOutcome.Observe"/>; returns the
    /// result the program gets (the same, unless the VFS adds to what the kernel did).
    /// </summary>
    public long HandleExit(ISyscall call, long result)
    {
        if (!_pendingExits.Remove(call.Tid, out var then)) return result;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return then(call, result);
        }
        catch (Exception e)
        {
            if (!call.CallerGone) LogProviderFailure(_log, call.Number, call.Pid, e);
            return result;
        }
        finally
        {
            Counters.AddTime(started);
        }
    }

    /// <summary>A thread died before its observed syscall returned.</summary>
    public void Abandon(int tid) => _pendingExits.Remove(tid);

    private ProcessFiles ProcessOf(int pid)
    {
        if (!_processes.TryGetValue(pid, out var process)) _processes[pid] = process = new ProcessFiles(pid, new FdTable()) { Space = ++_lastSpace };
        return process;
    }

    /// <summary>The process leaves its address space (exit, exec): the space's mappings go with its last process.</summary>
    private void LeaveSpace(ProcessFiles process)
    {
        if (!_processes.Values.Any(p => p != process && p.Space == process.Space)) SpaceGone(process.Space);
    }

    private void Register(int number, Handler handler, int fdArgument = Always, string treatment = "served") =>
        _handlers[number] = (handler, fdArgument, treatment);

    /// <summary>
    /// A syscall whose answer on a virtual file is the one the kernel gives for a file on a filesystem without
    /// that feature (ENOTTY for ioctl, EXDEV for copy_file_range): programs expect it and fall back quietly.
    /// </summary>
    private void Answer(int number, Errno errno, int fdArgument)
    {
        Register(number, (c, p) => p.Fds.TryGet((int)c.Arg(fdArgument), out _) ? SyscallOutcome.Fail(errno) : SyscallOutcome.PassThrough, fdArgument,
            $"{errno}, as for a file on a filesystem without it");
    }

    /// <summary>As <see cref="Answer"/>, for a syscall with two fds: it always stops, and a virtual one on either side gets the errno.</summary>
    private void AnswerForEither(int number, Errno errno, int firstFd, int secondFd)
    {
        Register(number, (c, p) => p.Fds.TryGet((int)c.Arg(firstFd), out _) || p.Fds.TryGet((int)c.Arg(secondFd), out _)
            ? SyscallOutcome.Fail(errno)
            : SyscallOutcome.PassThrough, treatment: $"{errno}, as for a file on a filesystem without it");
    }

    /// <summary>A syscall PtFs does not serve on virtual files: they get <paramref name="errno"/>, real ones go to the kernel.</summary>
    private void Refuse(int number, Errno errno, int dirfdArgument, int pathArgument)
    {
        Register(number, (c, p) => Locate(c, p, dirfdArgument, pathArgument, follow: true) is { Outcome: { } done } ? done : Unsupported(c, errno),
            treatment: $"refused: {errno} (and a warning, once)");
    }

    private void RefuseOnFd(int number, Errno errno, int fdArgument)
    {
        Register(number, (c, p) => p.Fds.TryGet((int)c.Arg(fdArgument), out _) ? Unsupported(c, errno) : SyscallOutcome.PassThrough, fdArgument,
            $"refused: {errno} (and a warning, once)");
    }

    /// <summary>
    /// Every syscall the VFS looks at: when it stops (fd argument, or -1 for always), and what virtual files
    /// get: served, a plain file's errno, refused with an errno and a warning, or only watched.
    /// </summary>
    public IEnumerable<(int Number, string Stops, string Treatment)> Coverage =>
        _handlers.OrderBy(h => h.Key).Select(h => (h.Key, h.Value.FdArgument switch
        {
            Always => "always",
            OnDemand => "in processes that asked for it",
            int fd => $"on a virtual fd (argument {fd})",
        }, h.Value.Treatment));

    /// <summary>Syscalls that stop only in a process once <see cref="SharedMappingMade"/> asked for it.</summary>
    public IEnumerable<int> OnDemandSyscalls => _handlers.Where(h => h.Value.FdArgument == OnDemand).Select(h => h.Key);

    /// <summary>
    /// The ids of the process, read once until something may have changed them (the umask in them is not
    /// kept up to date: creation reads it afresh).
    /// </summary>
    private static Credentials Who(ISyscall call, ProcessFiles process)
    {
        if (!process.Credentials.TryGetValue(call.Tid, out var who)) process.Credentials[call.Tid] = who = call.Credentials();
        return who;
    }

    /// <summary>Runs the syscall in the kernel and <paramref name="then"/> with its result.</summary>
    private SyscallOutcome ObserveThen(ISyscall call, Action<ISyscall, long> then) =>
        ObserveAndAmend(call, (exit, result) =>
        {
            then(exit, result);
            return result;
        });

    /// <summary>Runs the syscall in the kernel, then lets <paramref name="amend"/> decide the result the program sees.</summary>
    private SyscallOutcome ObserveAndAmend(ISyscall call, Func<ISyscall, long, long> amend)
    {
        _pendingExits[call.Tid] = amend;
        return SyscallOutcome.Observe;
    }

    /// <summary>A syscall on something virtual that PtFs does not serve: a defined errno, never the kernel.</summary>
    private SyscallOutcome Unsupported(ISyscall call, Errno errno)
    {
        if (_warned.Add(call.Number)) LogUnsupported(_log, call.Number, errno);
        return SyscallOutcome.Fail(errno);
    }

    private void Close(ProcessFiles process, int fd)
    {
        if (!process.Fds.TryGet(fd, out var closing)) return;
        // POSIX locks go when the process closes any descriptor of the file (but an O_PATH one), as close(2) warns.
        var owner = new ProcessLockOwner(process.Pid);
        if (!closing.File.Flags.HasFlag(OpenFlags.Path) && _recordLocks.Holds(owner)) _recordLocks.Release(owner, LockIdentity(closing.File));
        var last = process.Fds.Remove(fd);
        if (last is null) return;
        ReleaseLocksOf(last);
        ReleaseHandle(last);
        PruneCacheOf(last);
    }

    /// <summary>
    /// The last descriptor of an open file is gone: the provider hears of it once (O_PATH opens never reached it).
    /// Release has no way to fail, so a provider that throws from it gets a log line and nothing else: the
    /// close still reaches the kernel, and an exiting process's other files are still released.
    /// </summary>
    private void ReleaseHandle(OpenFile file)
    {
        if (!file.Flags.HasFlag(OpenFlags.Path)) ReleaseHandle(file.Mount, file.Handle, file.Absolute);
    }

    private void ReleaseHandle(Mounts.Mount mount, FileHandle handle, string path)
    {
        try
        {
            mount.Provider.Release(handle);
        }
        catch (Exception e)
        {
            LogReleaseFailure(_log, path, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "provider failed on syscall {Number} of process {Pid}; the program gets EIO")]
    private static partial void LogProviderFailure(ILogger logger, int number, int pid, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "provider failed to release {Path}; the file is closed all the same")]
    private static partial void LogReleaseFailure(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "syscall {Number} of process {Pid} gets EIO: {Reason}")]
    private static partial void LogProviderError(ILogger logger, int number, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "syscall {Number} on a virtual file is not served; the program gets {Errno}")]
    private static partial void LogUnsupported(ILogger logger, int number, Errno errno);
}
