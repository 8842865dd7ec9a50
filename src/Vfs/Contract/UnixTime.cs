namespace PtFs.Vfs;

/// <summary>A point in time as the kernel keeps it: seconds since 1970 and nanoseconds.</summary>
public readonly record struct UnixTime(long Seconds, uint Nanoseconds) : IComparable<UnixTime>
{
    public static UnixTime Now => FromDateTime(DateTime.UtcNow);

    public static UnixTime FromDateTime(DateTime time)
    {
        long ticks = time.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks;
        return new UnixTime(Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest) - (rest < 0 ? 1 : 0),
            (uint)((rest < 0 ? rest + TimeSpan.TicksPerSecond : rest) * 100));
    }

    public DateTime ToDateTime() => DateTime.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);

    public int CompareTo(UnixTime other) => Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);
}
