using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

/// <summary>
/// <c>struct seccomp_data</c>: what a seccomp BPF program reads. The filter never holds one; it loads
/// fields at these offsets (<see cref="Marshal.OffsetOf{T}(string)"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct SeccompData
{
    public int nr;
    public uint arch;
    public ulong instruction_pointer;
    public fixed ulong args[6];
}
