using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>README's main job, exactly as written there, with this build's ptfs.</summary>
public class ReadmeTests
{
    [Fact]
    public void The_main_job_in_the_readme_runs()
    {
        string line = File.ReadLines(Path.Combine(Repository.Root, "README.md")).Single(l => l.EndsWith("# main job", StringComparison.Ordinal));
        string command = line[..line.LastIndexOf('#')].Trim();
        command.Should().StartWith("./ptfs ");

        var run = Ptfs.RunNative("/bin/sh", "-c", $"host=\"$0\" dll=\"$1\"; ptfs() {{ \"$host\" exec \"$dll\" \"$@\"; }}; cd '{Repository.Root}' && {command.Replace("./ptfs ", "ptfs ", StringComparison.Ordinal)}",
            Ptfs.DotnetHostPath, Ptfs.Dll);

        run.Stderr.Should().BeEmpty();
        run.Stdout.Should().Contain("samples/demo.zip/data/notes:").And.Contain("30 days, mean temperature 15.8");
        run.ExitCode.Should().Be(0);
    }
}
