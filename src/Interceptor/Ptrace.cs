using System.Runtime.InteropServices;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>
/// Typed ptrace(2). Every call returns 0 or an errno (never -1 with errno on the side), because the
/// tracer must survive a tracee that vanished (ESRCH) without exceptions on its hot path; callers that
/// cannot continue use <see cref="ThrowIfFailed"/>. Must be called from the thread that attached.
/// The classic requests keep the numbers UNIX V6 gave them (see <see cref="PtraceRequest"/>).
/// </summary>
public static unsafe class Ptrace
{
    /// <summary>V6 request 0: the calling process asks to be traced by its parent.</summary>
    public static int TraceMe() => Call(PtraceRequest.TraceMe, 0, 0, 0);

    /// <summary>V6 requests 1/2: read one word of text or data. PEEK's -1 is ambiguous, so errno decides.</summary>
    public static int PeekData(int tid, ulong address, out long word) => Peek(PtraceRequest.PeekData, tid, address, out word);

    public static int PeekText(int tid, ulong address, out long word) => Peek(PtraceRequest.PeekText, tid, address, out word);

    /// <summary>V6 request 3: read a word of the user area (here: <c>struct user</c>, registers first).</summary>
    public static int PeekUser(int tid, ulong offset, out long word) => Peek(PtraceRequest.PeekUser, tid, offset, out word);

    /// <summary>V6 requests 4/5: write one word of text or data (text writes work on read-only code pages).</summary>
    public static int PokeData(int tid, ulong address, long word) => Call(PtraceRequest.PokeData, tid, (nint)address, (nint)word);

    public static int PokeText(int tid, ulong address, long word) => Call(PtraceRequest.PokeText, tid, (nint)address, (nint)word);

    /// <summary>V6 request 6: write a word of the user area.</summary>
    public static int PokeUser(int tid, ulong offset, long word) => Call(PtraceRequest.PokeUser, tid, (nint)offset, (nint)word);

    /// <summary>V6 request 7: continue, delivering <paramref name="signal"/> (0 for none).</summary>
    public static int Cont(int tid, int signal = 0) => Call(PtraceRequest.Cont, tid, 0, signal);

    /// <summary>V6 request 8: terminate the tracee.</summary>
    public static int Kill(int tid) => Call(PtraceRequest.Kill, tid, 0, 0);

    public static int Syscall(int tid, int signal = 0) => Call(PtraceRequest.Syscall, tid, 0, signal);

    public static int Seize(int pid, int options) => Call(PtraceRequest.Seize, pid, 0, options);

    public static int Interrupt(int tid) => Call(PtraceRequest.Interrupt, tid, 0, 0);

    public static int Listen(int tid) => Call(PtraceRequest.Listen, tid, 0, 0);

    public static int Detach(int tid, int signal = 0) => Call(PtraceRequest.Detach, tid, 0, signal);

    public static int SetOptions(int tid, int options) => Call(PtraceRequest.SetOptions, tid, 0, options);

    public static int GetRegs(int tid, out UserRegs regs)
    {
        fixed (UserRegs* p = &regs) return Call(PtraceRequest.GetRegs, tid, 0, (nint)p);
    }

    public static int SetRegs(int tid, in UserRegs regs)
    {
        fixed (UserRegs* p = &regs) return Call(PtraceRequest.SetRegs, tid, 0, (nint)p);
    }

    public static int GetEventMessage(int tid, out ulong message)
    {
        fixed (ulong* p = &message) return Call(PtraceRequest.GetEventMsg, tid, 0, (nint)p);
    }

    public static int GetSyscallInfo(int tid, out PtraceSyscallInfo info)
    {
        fixed (PtraceSyscallInfo* p = &info) return Call(PtraceRequest.GetSyscallInfo, tid, sizeof(PtraceSyscallInfo), (nint)p);
    }

    public static void ThrowIfFailed(int errno, string what)
    {
        if (errno != 0) throw new TracerException($"{what}: {Errno.Describe(errno)}", errno);
    }

    private static int Peek(PtraceRequest request, int tid, ulong address, out long word)
    {
        Marshal.SetLastPInvokeError(0);
        word = Libc.ptrace((long)request, tid, (nint)address, 0);
        return word == -1 ? Marshal.GetLastPInvokeError() : 0;
    }

    private static int Call(PtraceRequest request, int pid, nint addr, nint data)
        => Libc.ptrace((long)request, pid, addr, data) == -1 ? Marshal.GetLastPInvokeError() : 0;
}
