namespace PtFs.Interceptor.Tests.Support;

/// <summary>A syscall handler made of lambdas, for tests that need one behaviour each.</summary>
internal sealed class DelegateHandler(SeccompPolicy policy, Func<SyscallContext, SyscallAction> onSyscall) : SyscallHandler
{
    public override SeccompPolicy Policy => policy;

    public Func<SyscallContext, long, long>? OnExit { get; init; }

    public Action<SyscallContext>? OnExecImage { get; init; }

    public override SyscallAction OnSyscall(SyscallContext context) => onSyscall(context);

    public override long OnSyscallExit(SyscallContext context, long result) => OnExit?.Invoke(context, result) ?? result;

    public override void OnExec(SyscallContext context) => OnExecImage?.Invoke(context);
}
