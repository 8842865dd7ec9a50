using FluentAssertions;

namespace PtFs.EndToEnd.Tests;

/// <summary>Builds test inputs with a Python script run natively (sys.argv[1] is the output path).</summary>
internal static class PythonScript
{
    public static void Make(string output, string script)
    {
        var made = Ptfs.RunNative("python3", "-c", script, output);
        made.ExitCode.Should().Be(0, made.Stderr);
    }
}
