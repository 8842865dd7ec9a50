using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Region;

namespace PtFs.Interceptor;

/// <summary>
/// Runs syscalls inside a stopped tracee. The registers of the stop are kept and restored by the tracer
/// afterwards; signals that arrive while an injected syscall runs are held back and re-sent with tgkill
/// once the program's registers are back; ERESTART* results are retried.
/// </summary>
internal sealed unsafe class SyscallInjector(
    VdsoLocator vdso, StopWaiter waiter, Action<TracedThread, StopKind> countStop, Action<TracedThread> countInjected, Action<int, int> defer)
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

    /// <summary>
    /// An injection at this stop found the tracee dead or replaced by another thread's exec (and threw
    /// <see cref="TraceeGoneException"/>): nothing more may be done to its tid at this stop.
    /// </summary>
    public bool Gone { get; private set; }

    /// <summary>The registers of the stop, as the program must see them again.</summary>
    public ref UserRegs Registers => ref _registers;

    public void Begin(TracedThread thread, in UserRegs regs, InjectionSite site)
    {
        _thread = thread;
        _registers = regs;
        _site = site;
        Active = false;
        OriginalConsumed = false;
        Gone = false;
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
                // A fault before the injected syscall ran: the instruction it points at is gone (an exec
                // failed past its point of no return and left no image). Retrying would fault forever; the
                // held signal is delivered afterwards, as the kernel meant it to be.
                if (!entered && IsFault(status.StopSignal)) return -Constants.EFAULT;
            }
            Check(Ptrace.Syscall(tid));
        }
    }

    /// <summary>
    /// The next stop of the tracee the tracer is working in. Waits for every tracee, not just this one: a
    /// leader's death is reported only after its other threads are reaped, so waiting for it alone could
    /// wait forever. What other tracees report is queued for the main loop; this tracee's death, or its
    /// replacement by an exec from another thread, is queued too and ends the work.
    /// </summary>
    private WaitStatus WaitFor(int tid)
    {
        while (true)
        {
            int r = waiter.Next(out int raw);
            if (r < 0)
            {
                if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Constants.EINTR) continue;
                throw Vanished();
            }
            var status = new WaitStatus(raw);
            if (r != tid || !status.Stopped || status.Event == Constants.PTRACE_EVENT_EXEC)
            {
                defer(r, raw);
                if (r == tid) throw Vanished();
                continue;
            }
            countStop(_thread, StopKind.Injection);
            return status;
        }
    }

    private static bool IsFault(int signal) => signal is 11 /* SIGSEGV */ or 7 /* SIGBUS */ or 4 /* SIGILL */;

    internal static bool IsStopSignal(int signal) =>
        signal is Constants.SIGSTOP or Constants.SIGTSTP or Constants.SIGTTIN or Constants.SIGTTOU;

    private void Check(int errno)
    {
        if (errno == 0) return;
        // ESRCH on a tracee we own: it is being killed, and its death is the next thing it reports.
        if (errno == Constants.ESRCH) throw Vanished();
        throw new TracerException($"injection into {_thread.Tid} failed: {Errno.Describe(errno)}", errno);
    }

    private TraceeGoneException Vanished()
    {
        Gone = true;
        return new TraceeGoneException(_thread.Tid);
    }
}
