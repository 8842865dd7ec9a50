using System.Runtime.InteropServices;

namespace PtFs.Interceptor.Native;

/// <summary>
/// Every libc entry point PtFs calls, one <c>LibraryImport</c> each, grouped by concern in partial files.
/// Calls that report failure through errno are declared with SetLastError so the errno is read right
/// after the call (<see cref="Marshal.GetLastPInvokeError"/>), before anything else can change it.
/// </summary>
internal static partial class Libc
{
    /// <summary>Debian's <c>libc.so</c> is a linker script: name the real shared object.</summary>
    public const string Name = "libc.so.6";
}
