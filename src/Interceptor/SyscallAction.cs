using System.Runtime.CompilerServices;

namespace PtFs.Interceptor;

/// <summary>What the tracer does with a syscall that stopped at the seccomp filter.</summary>
public readonly struct SyscallAction
{
    private readonly Args6 _args;

    private SyscallAction(SyscallActionKind kind, long value, ReadOnlySpan<ulong> args = default)
    {
        Kind = kind;
        Value = value;
        args[..Math.Min(args.Length, 6)].CopyTo(_args);
    }

    public SyscallActionKind Kind { get; }

    /// <summary>The result for <see cref="SyscallActionKind.Complete"/>; the new number for <see cref="SyscallActionKind.Rewrite"/>.</summary>
    public long Value { get; }

    public ulong Arg(int index) => _args[index];

    public void CopyArgsTo(Span<ulong> destination) => ((ReadOnlySpan<ulong>)_args).CopyTo(destination);

    /// <summary>Let the kernel run it; no further stop.</summary>
    public static SyscallAction Continue => default;

    /// <summary>Let the kernel run it and call <see cref="SyscallHandler.OnSyscallExit"/> with its result (one more stop).</summary>
    public static SyscallAction Observe => new(SyscallActionKind.Observe, 0);

    /// <summary>Skip it: the program sees <paramref name="result"/> (negative errno for failure) in the same stop.</summary>
    public static SyscallAction Complete(long result) => new(SyscallActionKind.Complete, result);

    /// <summary>Skip it and fail with <paramref name="errno"/>.</summary>
    public static SyscallAction Fail(int errno) => new(SyscallActionKind.Complete, -errno);

    /// <summary>
    /// Run another syscall in its place. Registers the program can see are restored at the exit stop, where
    /// <see cref="SyscallHandler.OnSyscallExit"/> sees the result and decides what the program gets.
    /// </summary>
    public static SyscallAction Rewrite(int number, params ReadOnlySpan<ulong> args) => new(SyscallActionKind.Rewrite, number, args);

    /// <summary>
    /// Skip it, return <paramref name="result"/>, and on its way back the tracee's copy stub moves
    /// <paramref name="length"/> bytes from the payload buffer the handler filled
    /// (<see cref="SyscallContext.TryGetPayloadBuffer"/>) to <paramref name="destination"/>: one stop, no
    /// extra syscall, the bytes copied once. A read served this way preserves every register but rcx/r11.
    /// </summary>
    public static SyscallAction CompleteWithPayload(long result, ulong destination, int length) =>
        new(SyscallActionKind.CompleteWithPayload, result, [destination, (ulong)length]);

    /// <summary>
    /// Keep the thread stopped here and return from <see cref="Tracer.RunUntilPaused"/> with this context:
    /// whoever drives the tracer inspects the tracee, moves memory or injects, then calls
    /// <see cref="Tracer.Resume"/> with the real decision. Only for a tracer driven step by step.
    /// </summary>
    public static SyscallAction Pause => new(SyscallActionKind.Pause, 0);

    /// <summary>
    /// The syscall cannot go on yet (a lock another process holds): the thread sleeps in the kernel for
    /// <paramref name="milliseconds"/>, where signals reach it, and then makes the same syscall again, so
    /// the handler decides it anew. A signal during the sleep is handled as the kernel handles one that
    /// interrupts a blocking call: the call restarts after a handler with SA_RESTART (or no handler) and
    /// fails with EINTR after one without.
    /// </summary>
    public static SyscallAction WaitAndRetry(int milliseconds) => new(SyscallActionKind.WaitAndRetry, milliseconds);

    [InlineArray(6)]
    private struct Args6
    {
        private ulong _element;
    }
}

public enum SyscallActionKind
{
    Continue,
    Observe,
    Complete,
    Rewrite,
    CompleteWithPayload,
    Pause,
    WaitAndRetry,
}
