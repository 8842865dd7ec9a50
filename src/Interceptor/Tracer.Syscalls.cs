using System.Buffers;
using Microsoft.Extensions.Logging;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Region;

namespace PtFs.Interceptor;

// Seccomp stops, syscall-exit stops, and carrying out the handler's decisions.
public sealed partial class Tracer
{
    private const int SYS_prctl = 157, SYS_execve = 59, SYS_poll = 7, SYS_nanosleep = 35;

    // What the kernel's signal delivery turns into a restart or EINTR, depending on the handler's SA_RESTART.
    private const long ERESTARTSYS = 512, ERESTART_RESTARTBLOCK = 516;

    private void OnSeccompStop(TracedThread thread)
    {
        CountStop(thread, StopKind.Seccomp);
        thread.RetryAt = 0;
        if (Ptrace.GetRegs(thread.Tid, out var regs) != 0) return;
        int number = (int)regs.orig_rax;
        Counters.CountTrapped(number);
        thread.Process.Counters.CountTrapped(number);
        var request = new SyscallRequest(thread.Process.Pid, thread.Tid, number,
            [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9]);

        _context.Begin(thread, regs, InjectionSite.SeccompStop, request);
        SyscallAction action;
        if (thread.Replay is { } replay && IsSameCall(thread.ReplayRegs, regs))
        {
            // The syscall whose stop was spent on injections is back: its decision was already made.
            // Calls a signal handler makes before it comes back are decided on their own.
            thread.Replay = null;
            action = replay;
        }
        else
        {
            action = number is Constants.SYS_clone or Constants.SYS_clone3 ? KeepTraced(request) : Decide(request);
        }
        if (action.Kind == SyscallActionKind.Pause)
        {
            _paused = thread; // the driver decides, through Resume
            return;
        }
        Carry(thread, action, request);
    }

    /// <summary>
    /// clone or clone3 with CLONE_UNTRACED: the same call without the flag, so the child is followed like
    /// any other (an untraced child's trapped syscalls would all fail with ENOSYS). clone3's arguments are
    /// copied below the stack with the flag cleared; the program's own struct is left as it was.
    /// </summary>
    private SyscallAction KeepTraced(in SyscallRequest request)
    {
        if (request.Number == Constants.SYS_clone)
        {
            Span<ulong> args = stackalloc ulong[6];
            for (int i = 0; i < 6; i++) args[i] = request[i];
            args[0] &= ~(ulong)Constants.CLONE_UNTRACED;
            return SyscallAction.Rewrite(Constants.SYS_clone, args);
        }
        int size = (int)Math.Min(request[1], 256);
        if (size < 8) return SyscallAction.Continue; // the kernel's EINVAL
        var clone = new byte[size];
        if (_context.ReadMemory(request[0], clone) != size) return SyscallAction.Continue; // the kernel's EFAULT
        ulong flags = BitConverter.ToUInt64(clone);
        if ((flags & Constants.CLONE_UNTRACED) == 0) return SyscallAction.Continue;
        BitConverter.TryWriteBytes(clone, flags & ~(ulong)Constants.CLONE_UNTRACED);
        ulong scratch = _context.StackScratch(size);
        if (_context.WriteMemory(scratch, clone) != size) return SyscallAction.Continue;
        return SyscallAction.Rewrite(Constants.SYS_clone3, scratch, request[1]);
    }

    /// <summary>The rewound syscall, not one a signal handler made from the same place meanwhile.</summary>
    private static bool IsSameCall(in UserRegs saved, in UserRegs now) =>
        saved.rip == now.rip && saved.orig_rax == now.orig_rax && saved.rsp == now.rsp &&
        saved.rdi == now.rdi && saved.rsi == now.rsi && saved.rdx == now.rdx &&
        saved.r10 == now.r10 && saved.r8 == now.r8 && saved.r9 == now.r9;

    private SyscallAction Decide(in SyscallRequest request)
    {
        try
        {
            var action = _handler.OnSyscall(_context);
            ThrowIfGone(request.Tid);
            return action;
        }
        catch (TraceeGoneException)
        {
            throw;
        }
        catch (Exception e)
        {
            ThrowIfGone(request.Tid);
            LogHandlerFailure(_log, request.Number, request.Tid, e);
            return SyscallAction.Fail(Constants.EIO); // the program sees an I/O error, the tracer lives on
        }
    }

    /// <summary>
    /// An injection found the tracee gone, and the handler went on (it caught that, as a layer that turns every
    /// failure into an errno does): its answer must not be carried out. After another thread's exec the tid
    /// names the new image's thread, stopped at its exec event, whose registers the answer would overwrite
    /// with the dead thread's (the new program crashed so).
    /// </summary>
    private void ThrowIfGone(int tid)
    {
        if (_injector.Gone) throw new TraceeGoneException(tid);
    }

    private void Carry(TracedThread thread, in SyscallAction action, in SyscallRequest request)
    {
        ref var regs = ref _injector.Registers;
        int tid = thread.Tid;
        if (action.Kind == SyscallActionKind.CompleteWithPayload)
        {
            if (_context.PayloadSlot >= 0 && action.Arg(1) <= RegionLayout.SlotDataSize)
            {
                CompleteWithPayload(thread, action);
                return;
            }
            // A handler bug (no buffer taken, or a payload larger than it): the program gets EIO, the tracer lives.
            LogHandlerFailure(_log, request.Number, tid,
                new InvalidOperationException("CompleteWithPayload without a buffer from TryGetPayloadBuffer, or longer than it"));
            Carry(thread, SyscallAction.Fail(Constants.EIO), request);
            return;
        }
        if (_injector.OriginalConsumed)
        {
            // The tracee stands after an injected syscall; the program's own has not run.
            var restored = regs;
            if (action.Kind == SyscallActionKind.Complete)
            {
                restored.rax = (ulong)action.Value;
            }
            else
            {
                restored.rip -= 2;
                restored.rax = restored.orig_rax;
                thread.ReplayRegs = regs;
                thread.Replay = action;
            }
            Ptrace.SetRegs(tid, restored);
            _injector.RedeliverHeldSignals();
            Ptrace.Cont(tid);
            return;
        }

        switch (action.Kind)
        {
            case SyscallActionKind.Continue:
                Ptrace.Cont(tid);
                break;
            case SyscallActionKind.Observe:
                thread.PendingExit = PendingExit.Observe;
                thread.PendingRequest = request;
                Ptrace.Syscall(tid);
                break;
            case SyscallActionKind.Complete:
                var skipped = regs;
                skipped.orig_rax = ulong.MaxValue;
                skipped.rax = (ulong)action.Value;
                Ptrace.SetRegs(tid, skipped);
                Ptrace.Cont(tid);
                break;
            case SyscallActionKind.Rewrite:
                thread.PendingExit = PendingExit.Rewrite;
                thread.PendingRequest = request;
                thread.SavedRegs = regs;
                var rewritten = regs;
                rewritten.orig_rax = (ulong)action.Value;
                Span<ulong> args = stackalloc ulong[6];
                action.CopyArgsTo(args);
                rewritten.SetArgs(args);
                Ptrace.SetRegs(tid, rewritten);
                Ptrace.Syscall(tid);
                break;
            case SyscallActionKind.WaitAndRetry:
                thread.PendingExit = PendingExit.Retry;
                thread.PendingRequest = request;
                thread.SavedRegs = regs;
                var sleeping = regs;
                if (!thread.PollRefused)
                {
                    // poll(NULL, 0, ms): a sleep that needs no memory in the tracee and wakes for signals.
                    sleeping.orig_rax = SYS_poll;
                    sleeping.SetArgs([0, 0, (ulong)action.Value]);
                }
                else
                {
                    // The program's own filter refused poll: nanosleep, with its timespec below the stack.
                    ulong timespec = _context.StackScratch(16);
                    Span<byte> duration = stackalloc byte[16];
                    BitConverter.TryWriteBytes(duration[8..], action.Value * 1_000_000L);
                    _context.WriteMemory(timespec, duration);
                    sleeping.orig_rax = SYS_nanosleep;
                    sleeping.SetArgs([timespec, 0]);
                }
                Ptrace.SetRegs(tid, sleeping);
                Ptrace.Syscall(tid);
                break;
        }
    }

    /// <summary>
    /// Skips the syscall with its result and sends the tracee through the copy stub, which moves the payload
    /// from the slot to the program's buffer and returns to the instruction after the syscall.
    /// </summary>
    private void CompleteWithPayload(TracedThread thread, in SyscallAction action)
    {
        ulong destination = action.Arg(0);
        int length = (int)action.Arg(1);
        int slot = _context.PayloadSlot;
        var regs = _injector.Registers;
        regs.rax = (ulong)action.Value;
        if (!_injector.OriginalConsumed) regs.orig_rax = ulong.MaxValue;
        _region!.SetControlBlock(slot, destination, RegionLayout.DataAddress(slot), length, resume: regs.rip);
        regs.r11 = RegionLayout.ControlBlockAddress(slot);
        regs.rip = CopyStub.CopyAddress;
        Ptrace.SetRegs(thread.Tid, regs);
        _injector.RedeliverHeldSignals();
        Ptrace.Cont(thread.Tid);
    }

    /// <summary>
    /// A signal is about to be delivered while the copy stub still moves a completed syscall's payload (a signal
    /// that arrived during the syscall's stop is delivered right there, at the stub's first instruction). Its
    /// handler must not run on top of the stub: the signal frame would keep the stub's registers, and a handler
    /// making two payload syscalls of its own would refill both of this thread's slots, the interrupted one's
    /// control block included, so that after the handler the stub would copy the handler's bytes and jump to the
    /// handler's return address (a SIGALRM storm lost reads' bytes so). The tracer finishes the copy itself, with
    /// process_vm_writev, which the program's page protections bind as they bind the stub, leaves the registers
    /// as the stub would, and lets the signal go on: the handler finds the program just past its syscall.
    /// If the rest of the copy faults on the program's buffer, the program gets the bytes that made it or EFAULT,
    /// as from the kernel's own copy, and a SIGSEGV or SIGBUS, raised by the stub's fault, is dropped.
    /// </summary>
    private bool FinishPayloadCopy(TracedThread thread, int signal)
    {
        if (_region is null || !thread.Process.HasRegion || Ptrace.GetRegs(thread.Tid, out var regs) != 0) return false;
        ulong at = regs.rip - CopyStub.CopyAddress;
        if (at >= (ulong)CopyStub.Copy.Length) return false;
        Span<byte> block = stackalloc byte[48];
        if (TraceeMemory.Read(thread.Tid, regs.r11, block) != block.Length) return false;
        ulong resume = BitConverter.ToUInt64(block[CopyStub.Resume..]);
        if (resume == CopyStub.TrapAddress) return false; // an injected copy: RunCopy handles its own signals
        ulong length = BitConverter.ToUInt64(block[CopyStub.Length..]);
        var (destination, source, left) = at switch
        {
            < CopyStub.Copying => (BitConverter.ToUInt64(block[CopyStub.Destination..]), BitConverter.ToUInt64(block[CopyStub.Source..]), length),
            CopyStub.Copying => (regs.rdi, regs.rsi, regs.rcx),
            _ => (0UL, 0UL, 0UL),
        };
        ulong moved = left == 0 ? 0 : CopyInTracee(thread.Tid, destination, source, (int)left);
        bool faulted = moved < left;
        ulong copied = length - left + moved;
        if (faulted) regs.rax = copied > 0 ? copied : unchecked((ulong)-Constants.EFAULT);
        if (at >= CopyStub.RdiSaved) regs.rdi = BitConverter.ToUInt64(block[CopyStub.SavedRdi..]);
        if (at >= CopyStub.RsiSaved) regs.rsi = BitConverter.ToUInt64(block[CopyStub.SavedRsi..]);
        regs.rip = resume;
        if (Ptrace.SetRegs(thread.Tid, regs) != 0) return false;
        if (faulted) Guard(() => _handler.OnPayloadFault(thread, (long)copied));
        Resume(thread, faulted && signal is Constants.SIGSEGV or Constants.SIGBUS ? 0 : signal);
        return true;
    }

    /// <summary>Copies within the tracee's memory, from the region to the program's buffer; the bytes that made it.</summary>
    private static ulong CopyInTracee(int tid, ulong destination, ulong source, int length)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var payload = bytes.AsSpan(0, length);
            if (TraceeMemory.Read(tid, source, payload) != length) return 0;
            long written = TraceeMemory.Write(tid, destination, payload);
            return written > 0 ? (ulong)written : 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void OnSyscallExitStop(TracedThread thread)
    {
        if (thread.AwaitingExecExit)
        {
            thread.AwaitingExecExit = false;
            OnExecExit(thread);
            return;
        }
        var pending = thread.PendingExit;
        thread.PendingExit = PendingExit.None;
        if (pending == PendingExit.None || Ptrace.GetRegs(thread.Tid, out var regs) != 0)
        {
            Resume(thread, 0);
            return;
        }

        long result = (long)regs.rax;
        if (pending == PendingExit.Retry)
        {
            RetryAfterSleep(thread, result);
            return;
        }
        _context.Begin(thread, regs, InjectionSite.SyscallExit, thread.PendingRequest);
        long final = Finish(thread.PendingRequest, result);
        var restored = pending == PendingExit.Rewrite ? thread.SavedRegs : _injector.Registers;
        if (pending == PendingExit.Rewrite || final != result || _injector.Active)
        {
            restored.rax = (ulong)final;
            Ptrace.SetRegs(thread.Tid, restored);
        }
        _injector.RedeliverHeldSignals();
        Ptrace.Cont(thread.Tid);
    }

    /// <summary>
    /// The sleep of a <see cref="SyscallActionKind.WaitAndRetry"/> is over. Timed out: the program's registers
    /// come back, one instruction earlier, so it makes its syscall again. Cut short by a signal: the
    /// registers come back with -ERESTARTSYS, and the kernel, delivering the signal, restarts the call or
    /// fails it with EINTR exactly as for a lock wait of its own. A signal that comes as the sleep runs out is
    /// delivered on the way back (<see cref="InterruptRetry"/>).
    /// </summary>
    private void RetryAfterSleep(TracedThread thread, long sleepResult)
    {
        var restored = thread.SavedRegs;
        if (sleepResult is -Constants.EINTR or <= -ERESTARTSYS and >= -ERESTART_RESTARTBLOCK)
        {
            restored.rax = unchecked((ulong)-ERESTARTSYS);
        }
        else
        {
            // Slept out, or the sleep failed some other way: ask again. A sleep that failed (a filter of the
            // program's own refused poll) is made another way next time; asking again at once, without
            // sleeping, would keep this thread always ready and starve the others in waitpid.
            if (sleepResult < 0) thread.PollRefused = true;
            restored.rip -= 2;
            restored.rax = restored.orig_rax;
            thread.RetryAt = restored.rip;
        }
        Ptrace.SetRegs(thread.Tid, restored);
        Ptrace.Cont(thread.Tid);
    }

    /// <summary>
    /// A signal is delivered to a thread on its way back into a lock wait: the wait ends as the kernel's would,
    /// with -ERESTARTSYS, so the handler's SA_RESTART decides between a restart and EINTR.
    /// </summary>
    private static void InterruptRetry(TracedThread thread)
    {
        ulong retryAt = thread.RetryAt;
        thread.RetryAt = 0;
        if (Ptrace.GetRegs(thread.Tid, out var regs) != 0 || regs.rip != retryAt) return;
        regs.rip += 2;
        regs.rax = unchecked((ulong)-ERESTARTSYS);
        Ptrace.SetRegs(thread.Tid, regs);
    }

    private long Finish(in SyscallRequest request, long result)
    {
        try
        {
            long final = _handler.OnSyscallExit(_context, result);
            ThrowIfGone(request.Tid);
            return final;
        }
        catch (TraceeGoneException)
        {
            throw;
        }
        catch (Exception e)
        {
            ThrowIfGone(request.Tid);
            LogHandlerFailure(_log, request.Number, request.Tid, e);
            return result;
        }
    }

    private void OnExecExit(TracedThread thread)
    {
        if (Ptrace.GetRegs(thread.Tid, out var regs) != 0) return;
        if (thread.PendingExit == PendingExit.Observe)
        {
            // An observed execve that succeeded: report it before the new image runs.
            thread.PendingExit = PendingExit.None;
            _context.Begin(thread, regs, InjectionSite.ExecExit, thread.PendingRequest);
            Finish(thread.PendingRequest, (long)regs.rax);
            if (_injector.Active) Ptrace.SetRegs(thread.Tid, regs);
            _injector.RedeliverHeldSignals();
        }
        thread.PendingExit = PendingExit.None;
        var request = new SyscallRequest(thread.Process.Pid, thread.Tid, SYS_execve, []);
        _context.Begin(thread, regs, InjectionSite.ExecExit, request);
        if (!thread.Process.HasFilter) InstallFilter();
        if (_region is not null) MapRegion();
        try
        {
            _handler.OnExec(_context);
            ThrowIfGone(thread.Tid);
        }
        catch (TraceeGoneException)
        {
            throw;
        }
        catch (Exception e)
        {
            ThrowIfGone(thread.Tid);
            LogHandlerFailure(_log, SYS_execve, thread.Tid, e);
        }
        if (_injector.Active) Ptrace.SetRegs(thread.Tid, _injector.Registers);
        _injector.RedeliverHeldSignals();
        Ptrace.Cont(thread.Tid);
    }

    /// <summary>
    /// prctl(NO_NEW_PRIVS) and seccomp(SET_MODE_FILTER), injected once per process tree: the filter is
    /// inherited by every child and survives exec, and installing it again would stack a second copy.
    /// </summary>
    private void InstallFilter()
    {
        long r = _context.Inject(SYS_prctl, Constants.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (r < 0) throw new TracerException($"prctl(PR_SET_NO_NEW_PRIVS) failed in the tracee: {Errno.Describe((int)-r)}", (int)-r);
        r = _context.InstallFilter(_filter, allThreads: false);
        if (r < 0) throw new TracerException($"seccomp(SET_MODE_FILTER) failed in the tracee: {Errno.Describe((int)-r)}", (int)-r);
        _context.Process.HasFilter = true;
    }

    private void MapRegion()
    {
        _context.Process.HasRegion = RegionInstaller.MapInto(_context, _region!, out string? problem);
        if (problem is not null) LogRegionUnavailable(_log, _context.Pid, problem);
    }

    private void Guard(Action callback)
    {
        try { callback(); }
        catch (Exception e) when (e is not TraceeGoneException) { LogHandlerFailure(_log, -1, 0, e); }
    }

    // Information, not a warning: a program that drops privileges cannot open the (root) tracer's memfd, and
    // process_vm serves it correctly, only a little slower.
    [LoggerMessage(Level = LogLevel.Information, Message = "process {Pid} has no shared region ({Problem}); its payloads take process_vm_writev")]
    private static partial void LogRegionUnavailable(ILogger logger, int pid, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "syscall handler failed on syscall {Number} of task {Tid}; the program gets EIO")]
    private static partial void LogHandlerFailure(ILogger logger, int number, int tid, Exception exception);
}
