namespace PtFs.Cli;

/// <summary>A mistake the user can fix (bad option, missing archive, unknown provider): one line on stderr, exit 2, nothing started.</summary>
internal sealed class UsageException(string message) : Exception(message);
