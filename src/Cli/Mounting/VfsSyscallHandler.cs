using PtFs.Interceptor;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>Puts the VFS behind the tracer: trapped syscalls go to it, its outcomes become tracer actions.</summary>
internal sealed class VfsSyscallHandler(VirtualFileSystem vfs) : SyscallHandler
{
    public override SeccompPolicy Policy { get; } = new(vfs.PathSyscalls, vfs.FdSyscalls, VirtualFileSystem.VirtualFdFloor);

    public override SyscallAction OnSyscall(SyscallContext context)
    {
        var outcome = vfs.Handle(new TraceeSyscall(context));
        return outcome.Kind switch
        {
            OutcomeKind.PassThrough => SyscallAction.Continue,
            OutcomeKind.Complete => SyscallAction.Complete(outcome.Result),
            OutcomeKind.CompleteWithPayload => SyscallAction.CompleteWithPayload(outcome.Result, outcome.Destination, outcome.Length),
            OutcomeKind.Observe => SyscallAction.Observe,
            OutcomeKind.RedirectPath => Redirect(context, (int)outcome.Result, outcome.Path!),
            _ => throw new InvalidOperationException($"unknown outcome {outcome.Kind}"),
        };
    }

    public override long OnSyscallExit(SyscallContext context, long result)
    {
        vfs.HandleExit(new TraceeSyscall(context), result);
        return result;
    }

    public override void OnExec(SyscallContext context) => vfs.ProcessExecuted(context.Pid);

    public override void OnProcessStart(TracedProcess process) => vfs.ProcessStarted(process.Pid, process.Parent?.Pid);

    public override void OnProcessExit(TracedProcess process, WaitStatus status) => vfs.ProcessExited(process.Pid);

    public override void OnSyscallAbandoned(TracedThread thread, SyscallRequest request) => vfs.Abandon(thread.Tid);

    /// <summary>The same syscall with one path argument replaced by a string written below the stack.</summary>
    private static SyscallAction Redirect(SyscallContext context, int argument, string absolute)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(absolute + "\0");
        ulong address = context.StackScratch(bytes.Length);
        if (context.WriteMemory(address, bytes) != bytes.Length) return SyscallAction.Fail(14 /* EFAULT */);
        Span<ulong> args = stackalloc ulong[6];
        for (int i = 0; i < 6; i++) args[i] = context.Request[i];
        args[argument] = address;
        return SyscallAction.Rewrite(context.Number, args);
    }
}
