using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// random_ops.py runs a seeded random sequence of file operations, printing each result (value or errno)
/// and then the whole tree; on a real directory and inside a mount the two transcripts must be equal.
/// </summary>
public class DifferentialTests
{
    private const int Steps = 400;

    [Theory]
    [InlineData("memory", 1)]
    [InlineData("memory", 2)]
    [InlineData("memory", 3)]
    [InlineData("memory", 4)]
    [InlineData("passthrough", 5)]
    [InlineData("passthrough", 6)]
    public void A_random_sequence_of_operations_gives_the_same_results_as_on_disk(string provider, int seed)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "random_ops.py");
        using var real = new TempDir();
        using var host = new TempDir();
        string at = "/tmp/ptfs-diff-" + Guid.NewGuid().ToString("N")[..8];
        string command = $"cd \"$0\" && exec python3 '{script}' {seed} {Steps}";

        var native = Ptfs.RunNative("/bin/sh", "-c", command, real.Path);
        List<string> arguments = ["mount", "--provider", provider, "--at", at];
        if (provider == "passthrough") arguments.AddRange(["--source", host.Path]);
        arguments.AddRange(["--", "/bin/sh", "-c", command, at]);
        var mounted = Ptfs.Run([.. arguments]);

        native.ExitCode.Should().Be(0, native.Stderr);
        var expected = native.Stdout.Split('\n');
        var actual = mounted.Stdout.Split('\n');
        int first = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], -1);
        if (first < 0 && expected.Length != actual.Length) first = Math.Min(expected.Length, actual.Length);
        first.Should().Be(-1, $"seed {seed} on {provider}: the first difference is at line {first}: on disk \"{Line(expected, first)}\", mounted \"{Line(actual, first)}\"; stderr: {mounted.Stderr}");
        mounted.ExitCode.Should().Be(0);
    }

    private static string Line(string[] lines, int index) => index >= 0 && index < lines.Length ? lines[index] : "(none)";
}
