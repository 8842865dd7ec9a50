namespace PtFs.Cli.Commands;

/// <summary>
/// PTFS_POLL_US: how long the tracer polls for the next stop before it sleeps, in microseconds (0: never),
/// for measuring the poll against a sleeping tracer (bench/run) and for machines where it does not pay.
/// </summary>
internal static class PollSetting
{
    public const string Variable = "PTFS_POLL_US";

    /// <summary>The window the variable asks for, or null (the tracer's default) when it is unset.</summary>
    public static TimeSpan? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value)) return null;
        if (!int.TryParse(value, out int microseconds) || microseconds < 0)
            throw new UsageException($"{Variable}={value}: give a whole number of microseconds (0 turns the poll off)");
        return TimeSpan.FromMicroseconds(microseconds);
    }
}
