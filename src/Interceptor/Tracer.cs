using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Region;

namespace PtFs.Interceptor;

/// <summary>
/// Runs one program and all its descendants under ptrace. One dedicated thread owns the spawn, the
/// attach, every ptrace call and the wait loop (ptrace requests fail with ESRCH from any other thread);
/// the handler is called synchronously on it.
/// </summary>
public sealed partial class Tracer
{
    private const int SeizeOptions =
        Constants.PTRACE_O_TRACESYSGOOD | Constants.PTRACE_O_TRACEEXEC | Constants.PTRACE_O_TRACEFORK |
        Constants.PTRACE_O_TRACEVFORK | Constants.PTRACE_O_TRACECLONE | Constants.PTRACE_O_TRACESECCOMP |
        Constants.PTRACE_O_EXITKILL;

    private readonly SyscallHandler _handler;
    private readonly ILogger _log;
    private readonly Dictionary<int, TracedThread> _threads = [];
    private readonly HashSet<int> _adoptedBeforeEvent = [];
    private readonly Dictionary<int, TracedProcess> _processes = [];
    private readonly SyscallInjector _injector;
    private readonly StopWaiter _waiter;
    private readonly SyscallContext _context;
    private readonly SharedRegion? _region;
    private readonly Queue<(int Tid, int Raw)> _deferred = new();
    private SockFilter[] _filter = [];
    private volatile int _rootPid;
    private bool _launching;
    private bool _launchContinued;
    private WaitStatus? _rootStatus;
    private int _tracerThread;
    private TracedThread? _paused;
    private bool _finished;
    private readonly Stopwatch _clock = new();

    /// <param name="handler">Decides what happens to trapped syscalls.</param>
    /// <param name="region">When given, mapped into every traced address space at exec (the caller owns it).</param>
    /// <param name="logger">ptfs's own diagnostics.</param>
    /// <param name="pollBeforeSleep">How long the tracer polls for the next stop before it sleeps in waitpid
    /// (on a VM, waking a sleeping tracer costs more than the rest of a stop); zero never polls. Null:
    /// <see cref="DefaultPollBeforeSleep"/>.</param>
    public Tracer(SyscallHandler handler, SharedRegion? region = null, ILogger? logger = null, TimeSpan? pollBeforeSleep = null)
    {
        _handler = handler;
        _region = region;
        _log = logger ?? NullLogger.Instance;
        _waiter = new StopWaiter(pollBeforeSleep ?? DefaultPollBeforeSleep);
        _injector = new SyscallInjector(new VdsoLocator(), _waiter, CountStop, CountInjected, (tid, raw) => _deferred.Enqueue((tid, raw)));
        _context = new SyscallContext(_injector, region);
    }

    /// <summary>A little more than a tracee takes from PTRACE_CONT to its next stop when it makes syscalls in a loop.</summary>
    public static readonly TimeSpan DefaultPollBeforeSleep = TimeSpan.FromMicroseconds(30);

    /// <summary>Stops and syscalls of every tracee of this run.</summary>
    public StopCounters Counters { get; } = new();

    /// <summary>From the spawn to the exit of the last tracee.</summary>
    public TimeSpan WallTime { get; private set; }

    /// <summary>
    /// Runs the program to the end of its last descendant and returns its exit status as a shell reports it
    /// (the code, or 128+N after death by signal N). Blocks the calling thread; the tracing happens on a
    /// dedicated one. A handler that returns <see cref="SyscallAction.Pause"/> here gets EIO for that syscall.
    /// </summary>
    public int Run(TracerLaunch launch)
    {
        int status = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Start(launch);
                while (RunUntilPaused() is not null)
                {
                    LogPauseWithoutDriver(_log, _context.Number, _context.Tid);
                    Resume(SyscallAction.Fail(Constants.EIO));
                }
                status = ExitStatus ?? throw new TracerException("the program's exit status was never reported");
            }
            catch (Exception e) { failure = e; }
        })
        { Name = "ptfs-tracer" };
        thread.Start();
        thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return status;
    }

    /// <summary>Sends <paramref name="signal"/> to the program (for a ptfs that was asked to stop). Any thread.</summary>
    public void SignalProgram(int signal)
    {
        int pid = _rootPid;
        if (pid > 0) Libc.kill(pid, signal); // 0 once reaped: never signal a recycled pid
    }

    /// <summary>
    /// Spawns the program and seizes it; the calling thread becomes the tracer thread, the only one from
    /// which <see cref="RunUntilPaused"/>, <see cref="Resume"/> and the paused context may be used (the
    /// kernel accepts ptrace requests only from the thread that attached). For tools that drive the tracee
    /// step by step, such as benchmarks and debuggers; <see cref="Run"/> does all of it.
    /// </summary>
    public void Start(TracerLaunch launch)
    {
        if (_tracerThread != 0) throw new InvalidOperationException("this tracer has already started a program");
        _tracerThread = Environment.CurrentManagedThreadId;
        SignalDispositions.ResetIgnoredSigchld();
        _filter = SeccompFilterBuilder.Build(_handler.Policy);
        _clock.Start();

        int pid = ProcessLauncher.Spawn(launch.Program, launch.Arguments, launch.Environment);
        int seizeError = Ptrace.Seize(pid, SeizeOptions);
        if (seizeError != 0)
        {
            Libc.kill(pid, Constants.SIGKILL);
            unsafe { Libc.waitpid(pid, null, Constants.__WALL); }
            throw new TracerException(PtraceRefusal.Explain(seizeError), seizeError);
        }
        _rootPid = pid;
        _launching = true;
        Adopt(pid, creator: null, knownProcess: true);
    }

    /// <summary>
    /// Traces until a handler pauses a syscall (<see cref="SyscallAction.Pause"/>) and returns its context,
    /// with that thread still stopped; or until the last tracee is gone, and returns null
    /// (<see cref="ExitStatus"/> is then set).
    /// </summary>
    public unsafe SyscallContext? RunUntilPaused()
    {
        CheckTracerThread();
        if (_paused is not null) throw new InvalidOperationException($"the syscall of task {_paused.Tid} is paused: Resume it first");
        while (_threads.Count > 0)
        {
            int raw, tid;
            if (_deferred.TryDequeue(out var deferred)) (tid, raw) = deferred;
            else tid = _waiter.Next(out raw);
            if (tid < 0)
            {
                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno == Constants.EINTR) continue;
                if (errno == Constants.ECHILD) break;
                throw new TracerException($"waitpid: {Errno.Describe(errno)}", errno);
            }
            try
            {
                Dispatch(tid, new WaitStatus(raw));
            }
            catch (TraceeGoneException)
            {
                // Its death or exec is queued; the stop that was being handled no longer matters.
                _paused = null;
            }
            catch (Exception e) when (Vanished(tid))
            {
                // Killed while the tracer was reading /proc or writing its memory: its death comes next.
                LogTraceeVanished(_log, tid, e.Message);
                _paused = null;
            }
            if (_paused is not null) return _context;
        }
        WallTime = _clock.Elapsed;
        _finished = true;
        return null;
    }

    /// <summary>Carries out <paramref name="action"/> for the paused syscall and lets its thread run on.</summary>
    public void Resume(SyscallAction action)
    {
        CheckTracerThread();
        var thread = _paused ?? throw new InvalidOperationException("no syscall is paused");
        if (action.Kind == SyscallActionKind.Pause) throw new ArgumentException("a paused syscall needs another action to resume", nameof(action));
        _paused = null;
        try
        {
            Carry(thread, action, _context.Request);
        }
        catch (TraceeGoneException)
        {
            // Killed while paused: its death is the next thing waitpid reports.
        }
        catch (Exception e) when (Vanished(thread.Tid))
        {
            LogTraceeVanished(_log, thread.Tid, e.Message);
        }
    }

    /// <summary>The program's exit status as a shell reports it, once its last tracee is gone.</summary>
    public int? ExitStatus => _finished ? _rootStatus?.ShellStatus : null;

    /// <summary>Tasks the tracer believes alive (0 once the run is over, unless its bookkeeping is wrong).</summary>
    internal int TrackedTasks => _threads.Count;

    private void CheckTracerThread()
    {
        if (_tracerThread == 0) throw new InvalidOperationException("Start the program first");
        if (Environment.CurrentManagedThreadId != _tracerThread)
            throw new InvalidOperationException("ptrace works only from the thread that started the program");
    }

    private static bool Vanished(int tid) => Ptrace.GetRegs(tid, out _) == Constants.ESRCH;

    [LoggerMessage(Level = LogLevel.Error, Message = "the handler paused syscall {Number} of task {Tid}, but nothing drives this tracer; the program gets EIO")]
    private static partial void LogPauseWithoutDriver(ILogger logger, int number, int tid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "task {Tid} vanished while the tracer worked in it: {Reason}")]
    private static partial void LogTraceeVanished(ILogger logger, int tid, string reason);

    private void Dispatch(int tid, WaitStatus status)
    {
        if (!status.Stopped)
        {
            OnDeath(tid, status);
            return;
        }
        if (!_threads.TryGetValue(tid, out var thread))
        {
            thread = Adopt(tid, creator: null);
            _adoptedBeforeEvent.Add(tid);
        }

        if (status.IsSyscallStop)
        {
            CountStop(thread, StopKind.SyscallExit);
            OnSyscallExitStop(thread);
            return;
        }
        switch (status.Event)
        {
            case Constants.PTRACE_EVENT_SECCOMP:
                OnSeccompStop(thread);
                break;
            case Constants.PTRACE_EVENT_STOP:
                OnEventStop(thread, status.StopSignal);
                break;
            case Constants.PTRACE_EVENT_EXEC:
                CountStop(thread, StopKind.Event);
                OnExecEvent(thread);
                break;
            case Constants.PTRACE_EVENT_FORK or Constants.PTRACE_EVENT_VFORK or Constants.PTRACE_EVENT_CLONE:
                CountStop(thread, StopKind.Event);
                OnNewChildEvent(thread);
                break;
            case 0:
                // Signal-delivery-stop: the signal goes on to the tracee, as the kernel meant it to.
                CountStop(thread, StopKind.Signal);
                if (FinishPayloadCopy(thread, status.StopSignal)) break;
                if (thread.RetryAt != 0) InterruptRetry(thread);
                Resume(thread, status.StopSignal);
                break;
            default:
                CountStop(thread, StopKind.Event);
                Resume(thread, 0);
                break;
        }
    }

    private void OnEventStop(TracedThread thread, int signal)
    {
        if (SyscallInjector.IsStopSignal(signal))
        {
            // Group-stop: keep the tracee stopped but let SIGCONT wake it (never CONT a group stop).
            CountStop(thread, StopKind.GroupStop);
            Ptrace.Listen(thread.Tid);
            if (_launching && thread.Tid == _rootPid && !_launchContinued)
            {
                // The launcher shell stopped itself so that it could be seized; now it may exec the program.
                _launchContinued = true;
                Libc.kill(_rootPid, Constants.SIGCONT);
            }
            return;
        }
        // A new tracee's first stop, or the re-trap after SIGCONT ends a group-stop.
        CountStop(thread, StopKind.Event);
        Resume(thread, 0);
    }

    private void Resume(TracedThread thread, int signal)
    {
        // ESRCH here means the tracee is being killed; its death is the next thing waitpid reports.
        if (thread.PendingExit != PendingExit.None || thread.AwaitingExecExit) Ptrace.Syscall(thread.Tid, signal);
        else Ptrace.Cont(thread.Tid, signal);
    }

    private void CountInjected(TracedThread thread)
    {
        Counters.CountInjected();
        thread.Process.Counters.CountInjected();
    }

    private void CountStop(TracedThread thread, StopKind kind)
    {
        Counters.CountStop(kind);
        thread.Process.Counters.CountStop(kind);
    }
}
