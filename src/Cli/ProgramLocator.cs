namespace PtFs.Cli;

/// <summary>Finds the program the way execvp will, so "not found" is reported before anything starts.</summary>
internal static class ProgramLocator
{
    public static string? Find(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (string dir in path.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? "." : dir, program);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                return candidate;
        }
        return null;
    }
}
