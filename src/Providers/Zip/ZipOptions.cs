using System.ComponentModel;

namespace PtFs.Providers.Zip;

/// <summary>What <c>--option</c> sets for a zip mount.</summary>
public sealed class ZipOptions
{
    [Description("Allow changes; they replace the archive, atomically, when the program exits (default false: EROFS).")]
    public bool Writable { get; set; }
}
