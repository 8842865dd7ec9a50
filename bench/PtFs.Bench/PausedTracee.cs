using PtFs.Interceptor;
using PtFs.Interceptor.Region;

namespace PtFs.Bench;

/// <summary>
/// tests/TestPrograms/benchlab under a tracer driven from the calling thread, which must be the thread
/// that runs the benchmark (BenchmarkDotNet's in-process toolchain runs setup, workload and cleanup on one
/// thread, and ptrace answers only the thread that attached). The tracee is kept paused at its marker
/// syscall: `mem` pauses once at getppid(buf, size); `read` pauses at every read of fd 1000.
/// </summary>
internal sealed class PausedTracee : IDisposable
{
    private const int SYS_read = 0, SYS_getppid = 110, VirtualFd = 1000;
    private readonly Tracer _tracer;

    public PausedTracee(string mode, int size, SharedRegion region)
    {
        var policy = mode == "mem"
            ? new SeccompPolicy([SYS_getppid])
            : new SeccompPolicy([], new Dictionary<int, int> { [SYS_read] = 0 }, VirtualFd);
        _tracer = new Tracer(new PauseEverything(policy), region);
        string program = Path.Combine(AppContext.BaseDirectory, "testprograms", "benchlab");
        _tracer.Start(new TracerLaunch(program, [mode, size.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        Context = Next();
    }

    /// <summary>The paused syscall: getppid(buf, size) or read(1000, buf, count).</summary>
    public SyscallContext Context { get; private set; }

    public int Tid => Context.Tid;

    /// <summary>Resumes the paused syscall with <paramref name="action"/> and waits for the next pause.</summary>
    public void ResumeAndPause(SyscallAction action)
    {
        _tracer.Resume(action);
        Context = Next();
    }

    /// <summary>Lets benchlab finish: getppid returns 0, a read returns 0 (end of file).</summary>
    public void Dispose()
    {
        _tracer.Resume(SyscallAction.Complete(0));
        while (_tracer.RunUntilPaused() is not null) _tracer.Resume(SyscallAction.Complete(0));
        if (_tracer.ExitStatus != 0) throw new InvalidOperationException($"benchlab ended with status {_tracer.ExitStatus}");
    }

    private SyscallContext Next() => _tracer.RunUntilPaused() ?? throw new InvalidOperationException($"benchlab ended with status {_tracer.ExitStatus}");

    private sealed class PauseEverything(SeccompPolicy policy) : SyscallHandler
    {
        public override SeccompPolicy Policy => policy;

        public override SyscallAction OnSyscall(SyscallContext context) => SyscallAction.Pause;
    }
}
