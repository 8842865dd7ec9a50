using System.ComponentModel;

namespace PtFs.Providers.Memory;

/// <summary>What <c>--option</c> sets for a memory mount: its root directory's owner and mode.</summary>
public sealed class MemoryOptions
{
    [Description("Owner of the root directory (default: the user running ptfs).")]
    public uint? Uid { get; set; }

    [Description("Group of the root directory (default: the group running ptfs).")]
    public uint? Gid { get; set; }

    [Description("Mode of the root directory, octal (default 755).")]
    public string Mode { get; set; } = "755";
}
