using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

/// <summary><c>struct ptrace_syscall_info</c> as PTRACE_GET_SYSCALL_INFO fills it (84 bytes used).</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
public struct PtraceSyscallInfo
{
    public const byte OpNone = 0, OpEntry = 1, OpExit = 2, OpSeccomp = 3;

    [FieldOffset(0)] public byte op;
    [FieldOffset(4)] public uint arch;
    [FieldOffset(8)] public ulong instruction_pointer;
    [FieldOffset(16)] public ulong stack_pointer;
    // entry and seccomp: nr, args[6]; seccomp adds ret_data.
    [FieldOffset(24)] public ulong nr;
    [FieldOffset(32)] public ulong arg0;
    [FieldOffset(40)] public ulong arg1;
    [FieldOffset(48)] public ulong arg2;
    [FieldOffset(56)] public ulong arg3;
    [FieldOffset(64)] public ulong arg4;
    [FieldOffset(72)] public ulong arg5;
    [FieldOffset(80)] public uint ret_data;
    // exit: rval, is_error (overlaps nr/args).
    [FieldOffset(24)] public long rval;
    [FieldOffset(32)] public byte is_error;
}
