namespace PtFs.Interceptor.Tests.Support;

/// <summary>The C programs of tests/TestPrograms, built by gcc next to this assembly.</summary>
internal static class TestPrograms
{
    public static string PathOf(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "testprograms", name);
        if (!File.Exists(path)) throw new FileNotFoundException($"test program {name} was not built (gcc missing?)", path);
        return path;
    }
}
