using System.Globalization;

namespace PtFs.Providers;

/// <summary>The uid and gid this process runs as (the owner a fresh tree gets), from /proc/self/status.</summary>
internal static class ProcessIdentity
{
    public static (uint Uid, uint Gid) Current()
    {
        uint uid = 0, gid = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = Effective(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) { gid = Effective(line); break; }
        }
        return (uid, gid);
    }

    private static uint Effective(string line) => uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
}
