namespace PtFs.Interceptor;

/// <summary>
/// Which syscalls stop at the tracer. Everything not named here runs at native speed.
/// <see cref="FdSyscalls"/> stop only when their fd argument is at or above <see cref="VirtualFdFloor"/>
/// (and not negative), so I/O on the program's own fds never leaves the kernel.
/// </summary>
public sealed class SeccompPolicy
{
    public SeccompPolicy(IEnumerable<int> always, IReadOnlyDictionary<int, int>? fdSyscalls = null, int virtualFdFloor = 0)
    {
        Always = always.ToHashSet();
        FdSyscalls = fdSyscalls ?? new Dictionary<int, int>();
        VirtualFdFloor = virtualFdFloor;
        if (virtualFdFloor < 0) throw new ArgumentOutOfRangeException(nameof(virtualFdFloor));
    }

    /// <summary>Syscall numbers that always stop.</summary>
    public IReadOnlySet<int> Always { get; }

    /// <summary>Syscall number to the index (0..5) of its fd argument.</summary>
    public IReadOnlyDictionary<int, int> FdSyscalls { get; }

    public int VirtualFdFloor { get; }

    /// <summary>Traps nothing: only the architecture checks remain.</summary>
    public static SeccompPolicy None { get; } = new([]);

    public bool Traps(int number) => Always.Contains(number) || FdSyscalls.ContainsKey(number);
}
