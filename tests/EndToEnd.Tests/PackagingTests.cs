using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>The dotnet tool package: packed, installed from a folder with no other package source, and run.</summary>
public class PackagingTests
{
    [Fact]
    public void The_tool_package_installs_offline_and_mounts()
    {
        using var dir = new TempDir();
        string dotnet = Ptfs.DotnetHostPath;

        // Restored by the solution build already: a restore here could race the other tests' builds.
        var pack = Ptfs.RunNative(dotnet, "pack", Path.Combine(Repository.Root, "src", "Cli", "PtFs.Cli.csproj"), "-c", "Release", "-o", dir["nupkg"], "-nologo", "-v", "q", "--no-restore");
        pack.ExitCode.Should().Be(0, pack.Stdout + pack.Stderr);
        // Only the folder: installing must not need a feed.
        File.WriteAllText(dir["nuget.config"], $"""
            <configuration><packageSources><clear /><add key="local" value="{dir["nupkg"]}" /></packageSources></configuration>
            """);
        var install = Ptfs.RunNative(dotnet, "tool", "install", "--tool-path", dir["tools"], "--configfile", dir["nuget.config"], "ptfs");
        install.ExitCode.Should().Be(0, install.Stdout + install.Stderr);

        var run = Ptfs.RunNative(dir["tools/ptfs"], "mount", "--provider", "memory", "--at", "/mnt/m", "--", "/bin/sh", "-c", "echo packed > /mnt/m/f && cat /mnt/m/f");
        run.Stdout.Should().Be("packed\n");
        run.ExitCode.Should().Be(0);
    }
}
