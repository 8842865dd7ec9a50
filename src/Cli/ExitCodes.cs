namespace PtFs.Cli;

/// <summary>ptfs's own exit codes; otherwise ptfs exits with the program's status.</summary>
internal static class ExitCodes
{
    /// <summary>A mistake on the command line or an environment that cannot run the program (nothing started).</summary>
    public const int UsageError = 2;
}
