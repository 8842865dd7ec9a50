namespace PtFs.Vfs.Dispatch;

/// <summary>What becomes of a syscall the VFS looked at.</summary>
public readonly record struct SyscallOutcome(OutcomeKind Kind, long Result = 0, ulong Destination = 0, int Length = 0, string? Path = null, ExecPlan? Exec = null)
{
    /// <summary>Not virtual: the kernel runs it untouched.</summary>
    public static SyscallOutcome PassThrough => new(OutcomeKind.PassThrough);

    public static SyscallOutcome Complete(long result) => new(OutcomeKind.Complete, result);

    public static SyscallOutcome Fail(Errno errno) => new(OutcomeKind.Complete, -(long)errno);

    /// <summary>Returns <paramref name="result"/> and copies the payload buffer's first bytes to <paramref name="destination"/>.</summary>
    public static SyscallOutcome WithPayload(long result, ulong destination, int length) => new(OutcomeKind.CompleteWithPayload, result, destination, length);

    /// <summary>The kernel runs it (a placeholder fd's close or dup) and the VFS sees the result.</summary>
    public static SyscallOutcome Observe => new(OutcomeKind.Observe);

    /// <summary>
    /// A real path the kernel cannot find as the program wrote it (relative to a virtual cwd, or through a
    /// mount and out again): the kernel runs the syscall with argument <paramref name="argument"/> replaced by
    /// <paramref name="absolute"/>, and every register is restored before the program resumes.
    /// </summary>
    public static SyscallOutcome RedirectPath(int argument, string absolute) => new(OutcomeKind.RedirectPath, argument, Path: absolute);

    /// <summary>
    /// Not yet (a lock another process holds): the thread waits <paramref name="milliseconds"/> where signals
    /// reach it and makes the same syscall again, which comes back to the VFS to be decided anew.
    /// </summary>
    public static SyscallOutcome WaitAndRetry(int milliseconds) => new(OutcomeKind.WaitAndRetry, milliseconds);

    /// <summary>
    /// The kernel runs the syscall with argument <paramref name="argument"/> replaced by the process's fd
    /// <paramref name="fd"/> (from <see cref="ISyscall.ShareSnapshot"/>), which is closed once it returns;
    /// every register is restored before the program resumes.
    /// </summary>
    public static SyscallOutcome SubstituteFd(int argument, long fd) => new(OutcomeKind.SubstituteFd, argument, (ulong)fd);

    /// <summary>An execve the kernel carries out as <paramref name="plan"/> says (a snapshot's fd, or a script's interpreter).</summary>
    public static SyscallOutcome Execute(ExecPlan plan) => new(OutcomeKind.Execute, Exec: plan);
}

/// <summary>
/// How the kernel is to run a program that lives in a mount: the fd of a snapshot of it
/// (<see cref="ISyscall.ShareSnapshot"/>, close-on-exec, run with execveat AT_EMPTY_PATH) or a real path;
/// with the program's argv, after dropping its first <paramref name="Skip"/> entries and putting
/// <paramref name="Prefix"/> in front (a script's interpreter line), and its environment.
/// </summary>
public sealed record ExecPlan(long Fd, string? Path, IReadOnlyList<string> Prefix, int Skip, ulong Argv, ulong Envp);

public enum OutcomeKind
{
    PassThrough,
    Complete,
    CompleteWithPayload,
    Observe,
    RedirectPath,
    WaitAndRetry,
    SubstituteFd,
    Execute,
}
