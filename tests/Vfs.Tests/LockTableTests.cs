using FluentAssertions;
using PtFs.Vfs.Locks;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>
/// The lock table's splitting, merging and conflicts, written as a sequence of lock calls per owner and the
/// ranges that remain, as /proc/locks would list them on a real file.
/// </summary>
public class LockTableTests
{
    private static readonly LockedFile File = new(1, 42);
    private static readonly ProcessLockOwner A = new(100), B = new(200);
    private const long End = LockTable.EndOfFile;

    public static TheoryData<string, (LockType, long, long)[], string> Sequences => new()
    {
        { "unlock in the middle splits", [(LockType.Write, 0, 99), (LockType.Unlock, 30, 49)], "W0-29 W50-99" },
        { "adjacent same type merges", [(LockType.Read, 0, 9), (LockType.Read, 10, 19)], "R0-19" },
        { "overlap of another type replaces", [(LockType.Read, 0, 99), (LockType.Write, 40, 59)], "R0-39 W40-59 R60-99" },
        { "to end of file", [(LockType.Write, 10, End), (LockType.Unlock, 50, End)], "W10-49" },
        { "bridging merges three", [(LockType.Read, 0, 9), (LockType.Read, 20, 29), (LockType.Read, 5, 24)], "R0-29" },
        { "unlock of nothing", [(LockType.Unlock, 0, End)], "" },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void One_owner_s_ranges_split_and_merge_like_the_kernel_s(string because, (LockType, long, long)[] calls, string expected)
    {
        var table = new LockTable();
        foreach (var (type, start, end) in calls) table.Set(File, A, A.Pid, type, start, end);
        Held(table, A).Should().Be(expected, because);
    }

    [Fact]
    public void Only_other_owners_and_write_locks_conflict()
    {
        var table = new LockTable();
        table.Set(File, A, A.Pid, LockType.Read, 0, 9);
        table.Set(File, A, A.Pid, LockType.Write, 20, 29);
        table.FindConflict(File, A, exclusive: true, 0, End).Should().BeNull("an owner never conflicts with itself");
        table.FindConflict(File, B, exclusive: false, 0, 19).Should().BeNull("readers share");
        table.FindConflict(File, B, exclusive: true, 5, 5)!.Start.Should().Be(0);
        table.FindConflict(File, B, exclusive: false, 0, End)!.Start.Should().Be(20, "a reader is stopped only by the write lock");
        table.FindConflict(File, B, exclusive: true, 10, 19).Should().BeNull("the gap is free");
        table.FindConflict(new LockedFile(1, 43), B, exclusive: true, 0, End).Should().BeNull("another file");
    }

    [Fact]
    public void Releasing_an_owner_leaves_the_others()
    {
        var table = new LockTable();
        table.Set(File, A, A.Pid, LockType.Read, 0, 9);
        table.Set(File, B, B.Pid, LockType.Read, 5, 14);
        table.Release(A);
        table.Holds(A).Should().BeFalse();
        Held(table, B).Should().Be("R5-14");
    }

    private static string Held(LockTable table, object owner)
    {
        var ranges = new List<string>();
        for (long at = 0; ;)
        {
            // Probing with an exclusive lock of another owner finds each held range in order.
            var next = table.FindConflict(File, new ProcessLockOwner(-1), exclusive: true, at, End);
            if (next is null || !next.Owner.Equals(owner)) break;
            ranges.Add($"{(next.Exclusive ? "W" : "R")}{next.Start}-{(next.End == End ? "EOF" : next.End)}");
            if (next.End == End) break;
            at = next.End + 1;
        }
        return string.Join(' ', ranges);
    }
}
