namespace PtFs.Tests.Shared;

/// <summary>The checkout the tests were built from (where PtFs.sln is).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "PtFs.sln")))
            directory = Path.GetDirectoryName(directory) ?? throw new DirectoryNotFoundException("PtFs.sln above " + AppContext.BaseDirectory);
        return directory;
    }
}
