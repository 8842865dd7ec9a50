namespace PtFs.Interceptor.Strace;

/// <summary>
/// The handler behind <c>ptfs trace</c>: lets every file-related syscall run, and prints it with its
/// decoded arguments and result, one line per call prefixed with the task id, like
/// <c>strace -f -e trace=%file,%desc</c>. A line is written when the call returns, so lines of
/// different threads never interleave mid-line.
/// </summary>
public sealed class StraceHandler(TextWriter output) : SyscallHandler
{
    public override SeccompPolicy Policy { get; } = new(SyscallSignatures.Numbers);

    public override SyscallAction OnSyscall(SyscallContext context)
    {
        var request = context.Request;
        SyscallSignatures.TryGet(request.Number, out _, out var kinds);
        var entry = new string?[kinds.Length];
        for (int i = 0; i < kinds.Length; i++)
            entry[i] = ArgFormatter.AtEntry(kinds[i], request[i], i + 1 < 6 ? request[i + 1] : 0, context);
        context.Thread.Tag = entry;
        return SyscallAction.Observe;
    }

    public override long OnSyscallExit(SyscallContext context, long result)
    {
        var request = context.Request;
        SyscallSignatures.TryGet(request.Number, out string name, out var kinds);
        var entry = context.Thread.Tag as string?[] ?? new string?[kinds.Length];
        context.Thread.Tag = null;
        var args = new string[PrintedArgs(kinds, request)];
        for (int i = 0; i < args.Length; i++)
            args[i] = entry[i] ?? ArgFormatter.AtExit(kinds[i], request[i], result, context);
        output.WriteLine($"[pid {context.Tid}] {name}({string.Join(", ", args)}) = {ArgFormatter.Result(request.Number, result)}");
        return result;
    }

    /// <summary>Like strace, open's mode is printed only when the flags create a file.</summary>
    private static int PrintedArgs(ArgKind[] kinds, in SyscallRequest request)
    {
        const int O_CREAT = 0x40, O_TMPFILE = 0x410000;
        int n = kinds.Length;
        if (n >= 2 && kinds[n - 1] == ArgKind.Mode && kinds[n - 2] == ArgKind.OpenFlags)
        {
            int flags = request.Int(n - 2);
            if ((flags & O_CREAT) == 0 && (flags & O_TMPFILE) != O_TMPFILE) return n - 1;
        }
        return n;
    }

    public override void OnSyscallAbandoned(TracedThread thread, SyscallRequest request)
    {
        SyscallSignatures.TryGet(request.Number, out string name, out _);
        var entry = thread.Tag as string?[] ?? [];
        output.WriteLine($"[pid {thread.Tid}] {name}({string.Join(", ", entry.Select(a => a ?? "?"))} <unfinished ...>) = ?");
    }

    public override void OnProcessExit(TracedProcess process, WaitStatus status)
    {
        output.WriteLine(status.Exited
            ? $"[pid {process.Pid}] +++ exited with {status.ExitCode} +++"
            : $"[pid {process.Pid}] +++ killed by {SignalNames.Of(status.TermSignal)} +++");
    }
}
