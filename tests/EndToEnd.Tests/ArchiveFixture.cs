namespace PtFs.EndToEnd.Tests;

/// <summary>The tree and archives make_archives.py builds, made once for all archive tests.</summary>
public sealed class ArchiveFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public ArchiveFixture()
    {
        var made = Ptfs.RunNative("python3", Path.Combine(AppContext.BaseDirectory, "make_archives.py"), _dir.Path);
        if (made.ExitCode != 0) throw new InvalidOperationException($"make_archives.py failed: {made.Stderr}");
    }

    /// <summary>A file or directory the script made: "src", "data.zip", "data.tar", "data.tar.gz".</summary>
    public string this[string name] => _dir[name];

    public void Dispose() => _dir.Dispose();
}
