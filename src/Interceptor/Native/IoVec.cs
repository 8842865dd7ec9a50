using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

[StructLayout(LayoutKind.Sequential)]
internal struct IoVec
{
    public nint Base;
    public nuint Length;
}
