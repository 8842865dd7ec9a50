using System.Diagnostics;

namespace PtFs.Vfs.Locks;

/// <summary>
/// Which process waits for which in F_SETLKW, for the kernel's deadlock check: a wait that would close a
/// cycle of POSIX lock owners fails with EDEADLK instead. A wait ends when its process makes its next lock
/// call or exits; since a waiter asks again every few milliseconds, one not renewed within
/// <paramref name="freshFor"/> was given up too (interrupted by a signal).
/// </summary>
public sealed class LockWaits(TimeSpan freshFor)
{
    private const int MaxChain = 10; // the kernel follows at most this many owners too
    private readonly Dictionary<int, (ProcessLockOwner Holder, long Since)> _waits = [];

    /// <summary>
    /// Whether <paramref name="waiter"/> waiting for <paramref name="holder"/> closes a cycle; if it does
    /// not, the wait is recorded.
    /// </summary>
    public bool WouldDeadlock(ProcessLockOwner waiter, ProcessLockOwner holder)
    {
        long now = Stopwatch.GetTimestamp();
        var next = holder;
        for (int i = 0; i < MaxChain; i++)
        {
            if (next == waiter) return true;
            if (!_waits.TryGetValue(next.Pid, out var wait) || Stopwatch.GetElapsedTime(wait.Since, now) > freshFor) break;
            next = wait.Holder;
        }
        _waits[waiter.Pid] = (holder, now);
        return false;
    }

    /// <summary><paramref name="waiter"/> got its lock (or never waited).</summary>
    public void Stopped(ProcessLockOwner waiter) => _waits.Remove(waiter.Pid);
}
