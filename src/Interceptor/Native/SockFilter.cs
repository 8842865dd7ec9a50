using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

/// <summary>One classic BPF instruction, <c>struct sock_filter</c> (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);
