using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

/// <summary>x86_64 <c>struct user_regs_struct</c> (216 bytes), as PTRACE_GETREGS/SETREGS move it.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct UserRegs
{
    public ulong r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    public ulong rax, rcx, rdx, rsi, rdi, orig_rax;
    public ulong rip, cs, eflags, rsp, ss;
    public ulong fs_base, gs_base, ds, es, fs, gs;

    /// <summary>Syscall argument <paramref name="index"/> (0..5) in the kernel's order: rdi, rsi, rdx, r10, r8, r9.</summary>
    public readonly ulong Arg(int index) => index switch
    {
        0 => rdi,
        1 => rsi,
        2 => rdx,
        3 => r10,
        4 => r8,
        5 => r9,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public void SetArgs(ReadOnlySpan<ulong> args)
    {
        if (args.Length > 0) rdi = args[0];
        if (args.Length > 1) rsi = args[1];
        if (args.Length > 2) rdx = args[2];
        if (args.Length > 3) r10 = args[3];
        if (args.Length > 4) r8 = args[4];
        if (args.Length > 5) r9 = args[5];
    }
}
