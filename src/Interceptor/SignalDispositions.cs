using System.Globalization;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

internal static class SignalDispositions
{
    /// <summary>
    /// A ptfs started with SIGCHLD ignored would have its exited tracees reaped by the kernel, and the exit
    /// status of the program lost: restore the default, as the runtime would not.
    /// </summary>
    public static void ResetIgnoredSigchld()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("SigIgn:", StringComparison.Ordinal)) continue;
            ulong ignored = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if ((ignored & (1UL << (Constants.SIGCHLD - 1))) != 0) Libc.signal(Constants.SIGCHLD, 0);
            return;
        }
    }
}
