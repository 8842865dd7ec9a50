namespace PtFs.Vfs.Locks;

/// <summary>
/// Advisory locks on byte ranges of virtual files, kept as the kernel keeps them for one lock family:
/// POSIX and OFD record locks share one table, flock has its own (on Linux the two never conflict). A lock
/// belongs to an owner compared with Equals: a <see cref="ProcessLockOwner"/> for POSIX locks, the
/// <see cref="OpenFile"/> for OFD and flock locks.
/// </summary>
public sealed class LockTable
{
    /// <summary>The last byte a lock can cover: a length of 0 means "to the end, however far it grows".</summary>
    public const long EndOfFile = long.MaxValue;

    private readonly Dictionary<LockedFile, List<RangeLock>> _locks = [];

    /// <summary>
    /// A lock of another owner that keeps <paramref name="owner"/> from taking this one, if any: the one
    /// that starts first, which is what F_GETLK reports.
    /// </summary>
    public RangeLock? FindConflict(LockedFile file, object owner, bool exclusive, long start, long end)
    {
        if (!_locks.TryGetValue(file, out var held)) return null;
        RangeLock? first = null;
        foreach (var other in held)
        {
            bool conflicts = !other.Owner.Equals(owner) && (exclusive || other.Exclusive) && other.Start <= end && start <= other.End;
            if (conflicts && (first is null || other.Start < first.Start)) first = other;
        }
        return first;
    }

    /// <summary>
    /// Gives <paramref name="owner"/> exactly <paramref name="type"/> over [start, end]: what it held there is
    /// replaced (split where the range cuts it), and neighbouring locks of the same type merge, as the
    /// kernel's do. Conflicts are the caller's to check first.
    /// </summary>
    public void Set(LockedFile file, object owner, int pid, LockType type, long start, long end)
    {
        if (!_locks.TryGetValue(file, out var held))
        {
            if (type == LockType.Unlock) return;
            _locks[file] = held = [];
        }
        var kept = new List<RangeLock>(held.Count + 2);
        foreach (var l in held)
        {
            if (!l.Owner.Equals(owner) || l.End < start || end < l.Start)
            {
                kept.Add(l);
                continue;
            }
            if (l.Start < start) kept.Add(l with { End = start - 1 });
            if (l.End > end) kept.Add(l with { Start = end + 1 });
        }
        if (type != LockType.Unlock) kept.Add(Merge(kept, new RangeLock(owner, pid, type == LockType.Write, start, end)));
        if (kept.Count == 0) _locks.Remove(file);
        else _locks[file] = kept;
    }

    /// <summary>Drops every lock <paramref name="owner"/> holds, on one file or on all.</summary>
    public void Release(object owner, LockedFile? only = null)
    {
        foreach (var (file, held) in _locks.ToList())
        {
            if (only is { } one && !file.Equals(one)) continue;
            held.RemoveAll(l => l.Owner.Equals(owner));
            if (held.Count == 0) _locks.Remove(file);
        }
    }

    /// <summary>Whether <paramref name="owner"/> holds anything (closing a file then has locks to drop).</summary>
    public bool Holds(object owner) => _locks.Values.Any(held => held.Any(l => l.Owner.Equals(owner)));

    /// <summary>Absorbs the owner's same-type locks that touch or overlap <paramref name="added"/> into it.</summary>
    private static RangeLock Merge(List<RangeLock> kept, RangeLock added)
    {
        for (int i = kept.Count - 1; i >= 0; i--)
        {
            var l = kept[i];
            bool touches = l.Start <= Next(added.End) && added.Start <= Next(l.End);
            if (!l.Owner.Equals(added.Owner) || l.Exclusive != added.Exclusive || !touches) continue;
            added = added with { Start = Math.Min(l.Start, added.Start), End = Math.Max(l.End, added.End) };
            kept.RemoveAt(i);
        }
        return added;
    }

    private static long Next(long end) => end == EndOfFile ? EndOfFile : end + 1;
}

/// <summary>A file as locks see it: the device of its mount and its inode, so every path and fd to it agree.</summary>
public readonly record struct LockedFile(ulong Device, ulong Inode);

/// <summary>The owner of POSIX record locks: the whole process, whichever of its fds took them.</summary>
public readonly record struct ProcessLockOwner(int Pid);

/// <summary>One held lock over [Start, End] (inclusive); <see cref="Pid"/> is what F_GETLK reports.</summary>
public sealed record RangeLock(object Owner, int Pid, bool Exclusive, long Start, long End);

public enum LockType
{
    Read,
    Write,
    Unlock,
}
