using System.Runtime.InteropServices;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>
/// Compiles a <see cref="SeccompPolicy"/> into classic BPF. Each rule is a short block that ends in its
/// own return, so no jump is ever longer than the 8-bit offsets allow, however many rules there are.
/// Non-x86_64 calling conventions (int 0x80, x32) get ENOSYS: their numbers mean other syscalls and
/// would slip past every rule.
/// </summary>
public static class SeccompFilterBuilder
{
    private const ushort LdAbsW = 0x20;   // BPF_LD | BPF_W | BPF_ABS
    private const ushort JeqK = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort JgeK = 0x35;     // BPF_JMP | BPF_JGE | BPF_K
    private const ushort JsetK = 0x45;    // BPF_JMP | BPF_JSET | BPF_K
    private const ushort RetK = 0x06;     // BPF_RET | BPF_K

    private static readonly uint NrOffset = (uint)Marshal.OffsetOf<SeccompData>(nameof(SeccompData.nr));
    private static readonly uint ArchOffset = (uint)Marshal.OffsetOf<SeccompData>(nameof(SeccompData.arch));
    private static readonly uint ArgsOffset = (uint)Marshal.OffsetOf<SeccompData>(nameof(SeccompData.args));
    private const uint X32SyscallBit = 0x40000000;

    public static SockFilter[] Build(SeccompPolicy policy)
    {
        var program = new List<SockFilter>
        {
            new(LdAbsW, 0, 0, ArchOffset),
            new(JeqK, 1, 0, Constants.AUDIT_ARCH_X86_64),
            Return(Constants.SECCOMP_RET_ERRNO | Constants.ENOSYS),
            new(LdAbsW, 0, 0, NrOffset),
            new(JgeK, 0, 1, X32SyscallBit),
            Return(Constants.SECCOMP_RET_ERRNO | Constants.ENOSYS),
            // A child made with CLONE_UNTRACED would escape the tracer: such clones stop, and the tracer
            // clears the flag (clone3's flags are in memory, so every clone3 stops).
            new(JeqK, 0, 1, Constants.SYS_clone3),
            Return(Constants.SECCOMP_RET_TRACE),
            new(JeqK, 0, 4, Constants.SYS_clone),
            new(LdAbsW, 0, 0, ArgsOffset),
            new(JsetK, 0, 1, Constants.CLONE_UNTRACED),
            Return(Constants.SECCOMP_RET_TRACE),
            new(LdAbsW, 0, 0, NrOffset),
        };

        foreach (var (number, fdArgument) in policy.FdSyscalls.OrderBy(r => r.Key))
        {
            if (policy.Always.Contains(number)) continue;
            program.Add(new(JeqK, 0, 5, (uint)number));
            program.Add(new(LdAbsW, 0, 0, ArgsOffset + 8 * (uint)fdArgument)); // low half: fds are ints
            program.Add(new(JgeK, 0, 2, (uint)policy.VirtualFdFloor));           // below the floor: allow
            program.Add(new(JgeK, 1, 0, 0x80000000));                            // negative (e.g. -1): allow
            program.Add(Return(Constants.SECCOMP_RET_TRACE));
            program.Add(Return(Constants.SECCOMP_RET_ALLOW));
        }

        foreach (int number in policy.Always.Order())
        {
            program.Add(new(JeqK, 0, 1, (uint)number));
            program.Add(Return(Constants.SECCOMP_RET_TRACE));
        }

        program.Add(Return(Constants.SECCOMP_RET_ALLOW));
        if (program.Count > 4096) throw new ArgumentException($"the policy needs {program.Count} BPF instructions; the kernel takes 4096");
        return [.. program];
    }

    /// <summary>
    /// A filter to stack on top of <see cref="Build"/>'s: the fd syscalls of <paramref name="fdSyscalls"/> stop
    /// when their fd argument is exactly <paramref name="fd"/>, a number below the virtual floor that now
    /// names a virtual file (a shell's <c>&lt; file</c>). Everything else is allowed here, so the first
    /// filter still decides it.
    /// </summary>
    public static SockFilter[] BuildForDescriptor(IReadOnlyDictionary<int, int> fdSyscalls, int fd)
    {
        var program = new List<SockFilter>();
        foreach (var (number, fdArgument) in fdSyscalls.OrderBy(r => r.Key))
        {
            program.Add(new(LdAbsW, 0, 0, NrOffset));
            program.Add(new(JeqK, 0, 3, (uint)number));
            program.Add(new(LdAbsW, 0, 0, ArgsOffset + 8 * (uint)fdArgument));
            program.Add(new(JeqK, 0, 1, (uint)fd));
            program.Add(Return(Constants.SECCOMP_RET_TRACE));
        }
        program.Add(Return(Constants.SECCOMP_RET_ALLOW));
        return [.. program];
    }

    /// <summary>A filter stacked on one process that stops exactly these syscalls (and lets the others through).</summary>
    public static SockFilter[] BuildForSyscalls(IEnumerable<int> numbers)
    {
        var program = new List<SockFilter>();
        foreach (int number in numbers.Order())
        {
            program.Add(new(LdAbsW, 0, 0, NrOffset));
            program.Add(new(JeqK, 0, 1, (uint)number));
            program.Add(Return(Constants.SECCOMP_RET_TRACE));
        }
        program.Add(Return(Constants.SECCOMP_RET_ALLOW));
        return [.. program];
    }

    private static SockFilter Return(uint value) => new(RetK, 0, 0, value);
}
