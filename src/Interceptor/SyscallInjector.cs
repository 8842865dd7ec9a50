using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Region;

namespace PtFs.Interceptor;

/// <summary>
/// Runs syscalls inside a stopped tracee. The registers of the stop are kept and restored by the tracer
/// afterwards; signals that arrive while an injected syscall runs are held back and re-sent with tgkill
/// once the program's registers are back; ERESTART* results are retried.
/// </summary>
internal sealed unsafe class SyscallInjector(VdsoLocator vdso, Action<TracedThread, StopKind> countStop, Action<TracedThread> countInjected)
{
    private readonly List<int> _heldSignals = [];
    private TracedThread _thread = null!;
    private UserRegs _registers;
    private InjectionSite _site;

    public int Tid => _thread.Tid;

    /// <summary>At least one syscall was injected at this stop.</summary>
    public bool Active { get; private set; }

    /// <summary>At a seccomp stop, the program's syscall slot was used by an injection: it has not run.</summary>
    public bool OriginalConsumed { get; private set; }

    /// <summary>The registers of the stop, as the program must see them again.</summary>
    public ref UserRegs Registers => ref _registers;

    public void Begin(TracedThread thread, in UserRegs regs, InjectionSite site)
    {
        _thread = thread;
        _registers = regs;
        _site = site;
        Active = false;
        OriginalConsumed = false;
        _heldSignals.Clear();
    }

    public long Inject(int number, ReadOnlySpan<ulong> args)
    {
        Active = true;
        countInjected(_thread);
        var regs = _registers;
        Span<ulong> six = stackalloc ulong[6];
        args[..Math.Min(6, args.Length)].CopyTo(six);
        regs.SetArgs(six);

        bool entered;
        if (_site == InjectionSite.SeccompStop && !OriginalConsumed)
        {
            // Cheapest start: the kernel is about to run a syscall anyway; make it ours (one stop).
            regs.orig_rax = (ulong)number;
            OriginalConsumed = true;
            entered = true;
        }
        else
        {
            PointAtSyscallInstruction(ref regs, number);
            entered = false;
        }

        while (true)
        {
            Check(Ptrace.SetRegs(_thread.Tid, regs));
            Check(Ptrace.Syscall(_thread.Tid));
            long result = RunToExit(entered);
            if (result <= -Constants.ERESTARTSYS && result >= -Constants.ERESTART_RESTARTBLOCK)
            {
                PointAtSyscallInstruction(ref regs, number);
                entered = false;
                continue;
            }
            return result;
        }
    }

    /// <summary>
    /// Makes the stopped tracee run the copy stub on <paramref name="slot"/>'s control block, moving
    /// <paramref name="length"/> bytes from <paramref name="source"/> to <paramref name="destination"/> (either
    /// may be the slot's data), and stop again at the stub's int3. An unmapped page ends the copy with EFAULT
    /// (the tracee's SIGSEGV is swallowed); the count of bytes moved comes from rcx.
    /// </summary>
    public Transfer RunCopy(SharedRegion region, int slot, ulong destination, ulong source, int length)
    {
        Active = true;
        region.SetControlBlock(slot, destination, source, length, CopyStub.TrapAddress);
        var regs = _registers;
        regs.r11 = RegionLayout.ControlBlockAddress(slot);
        regs.rip = CopyStub.CopyAddress;
        if (_site == InjectionSite.SeccompStop && !OriginalConsumed)
        {
            regs.orig_rax = ulong.MaxValue; // the program's syscall does not run now
            OriginalConsumed = true;
        }
        Check(Ptrace.SetRegs(_thread.Tid, regs));
        Check(Ptrace.Cont(_thread.Tid));
        int tid = _thread.Tid;
        while (true)
        {
            var status = WaitFor(tid);
            if (status.Event == 0 && status.StopSignal is Constants.SIGTRAP or Constants.SIGSEGV or Constants.SIGBUS)
            {
                Check(Ptrace.GetRegs(tid, out var after));
                if (status.StopSignal == Constants.SIGTRAP && after.rip == CopyStub.TrapAddress + 1) return Transfer.Done(length);
                if (status.StopSignal != Constants.SIGTRAP && after.rip - CopyStub.CopyAddress < RegionLayout.CodeSize)
                    return new Transfer(length - (int)after.rcx, Constants.EFAULT);
            }
            if (status.Event == 0 || (status.Event == Constants.PTRACE_EVENT_STOP && IsStopSignal(status.StopSignal)))
                _heldSignals.Add(status.StopSignal);
            Check(Ptrace.Cont(tid));
        }
    }

    /// <summary>Sends back the signals held during injections; call after the program's registers are restored.</summary>
    public void RedeliverHeldSignals()
    {
        foreach (int signal in _heldSignals) Libc.tgkill(_thread.Process.Pid, _thread.Tid, signal);
        _heldSignals.Clear();
    }

    private void PointAtSyscallInstruction(ref UserRegs regs, int number)
    {
        regs.rip = _site == InjectionSite.ExecExit
            ? vdso.FindSyscallInstruction(_thread.Tid)
            : _registers.rip - 2; // the program's own `syscall`, which it just executed
        regs.rax = (ulong)number;
        regs.orig_rax = ulong.MaxValue; // not a syscall to restart if a signal interrupts
    }

    private long RunToExit(bool entered)
    {
        int tid = _thread.Tid;
        while (true)
        {
            var status = WaitFor(tid);
            if (status.IsSyscallStop)
            {
                Check(Ptrace.GetSyscallInfo(tid, out var info));
                if (info.op == PtraceSyscallInfo.OpExit && entered)
                {
                    Check(Ptrace.GetRegs(tid, out var done));
                    return (long)done.rax;
                }
                entered |= info.op == PtraceSyscallInfo.OpEntry;
            }
            else if (status.Event == Constants.PTRACE_EVENT_SECCOMP)
            {
                entered = true;
            }
            else if (status.Event == Constants.PTRACE_EVENT_STOP)
            {
                if (IsStopSignal(status.StopSignal)) _heldSignals.Add(status.StopSignal);
            }
            else if (status.Event == 0)
            {
                _heldSignals.Add(status.StopSignal);
            }
            Check(Ptrace.Syscall(tid));
        }
    }

    /// <summary>The next stop of the tracee the tracer is working in; its death ends the work.</summary>
    private WaitStatus WaitFor(int tid)
    {
        while (true)
        {
            int raw;
            int r = Libc.waitpid(tid, &raw, Constants.__WALL);
            if (r < 0)
            {
                if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Constants.EINTR) continue;
                throw new TraceeGoneException(tid, new WaitStatus(Constants.SIGKILL)); // not waitable: treat as killed
            }
            var status = new WaitStatus(raw);
            if (!status.Stopped) throw new TraceeGoneException(tid, status);
            countStop(_thread, StopKind.Injection);
            return status;
        }
    }

    internal static bool IsStopSignal(int signal) =>
        signal is Constants.SIGSTOP or Constants.SIGTSTP or Constants.SIGTTIN or Constants.SIGTTOU;

    private void Check(int errno)
    {
        if (errno == 0) return;
        if (errno == Constants.ESRCH) throw new TraceeGoneException(_thread.Tid, WaitForDeath(_thread.Tid));
        throw new TracerException($"injection into {_thread.Tid} failed: {Errno.Describe(errno)}", errno);
    }

    private static WaitStatus WaitForDeath(int tid)
    {
        // ESRCH on a tracee we own means it is dying (SIGKILL): its exit is the next thing it reports.
        while (true)
        {
            int raw;
            int r = Libc.waitpid(tid, &raw, Constants.__WALL);
            if (r < 0) return new WaitStatus(Constants.SIGKILL);
            var status = new WaitStatus(raw);
            if (!status.Stopped) return status;
        }
    }
}
