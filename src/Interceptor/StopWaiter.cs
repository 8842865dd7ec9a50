using System.Diagnostics;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>
/// waitpid for the next stop of any tracee, polling for a short while before it sleeps. On a VM whose idle
/// vCPUs halt, waking a tracer that sleeps on another CPU costs as much as the rest of the stop together:
/// bench/reference/reftracer measured 46 µs per emulated syscall with a sleeping tracer and 15.5 µs with
/// one that polls for 20 µs first (10 µs with both pinned to one CPU, which would serialize a parallel
/// program). A program that makes its next trapped syscall within the window finds the tracer awake; one
/// that computes costs the tracer at most the window per stop. With one CPU the poll would only keep the
/// tracee off it, so it is off there.
/// </summary>
internal sealed class StopWaiter(TimeSpan window)
{
    private const int Options = Constants.__WALL | Constants.__WNOTHREAD;

    private readonly long _windowTicks = Environment.ProcessorCount > 1 ? (long)(window.TotalSeconds * Stopwatch.Frequency) : 0;

    /// <summary>The tid that changed state and its raw status, or -1 with the errno as waitpid's last error.</summary>
    public unsafe int Next(out int raw)
    {
        int status = 0;
        if (_windowTicks > 0)
        {
            long until = Stopwatch.GetTimestamp() + _windowTicks;
            do
            {
                int polled = Libc.waitpid(-1, &status, Options | Constants.WNOHANG);
                if (polled != 0)
                {
                    raw = status;
                    return polled;
                }
            }
            while (Stopwatch.GetTimestamp() < until);
        }
        int tid = Libc.waitpid(-1, &status, Options);
        raw = status;
        return tid;
    }
}
