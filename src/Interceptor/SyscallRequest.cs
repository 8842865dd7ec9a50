using System.Runtime.CompilerServices;

namespace PtFs.Interceptor;

/// <summary>A trapped syscall: who made it, its number and its six raw arguments.</summary>
public readonly struct SyscallRequest
{
    private readonly Args6 _args;

    public SyscallRequest(int pid, int tid, int number, ReadOnlySpan<ulong> args)
    {
        Pid = pid;
        Tid = tid;
        Number = number;
        args[..Math.Min(args.Length, 6)].CopyTo(_args);
    }

    public int Pid { get; }

    public int Tid { get; }

    public int Number { get; }

    public ulong this[int index] => _args[index];

    public void CopyArgsTo(Span<ulong> destination) => ((ReadOnlySpan<ulong>)_args).CopyTo(destination);

    /// <summary>An argument as the kernel reads an <c>int</c> (fds, flags): the low 32 bits, signed.</summary>
    public int Int(int index) => unchecked((int)_args[index]);

    [InlineArray(6)]
    private struct Args6
    {
        private ulong _element;
    }
}
