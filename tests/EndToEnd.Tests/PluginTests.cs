using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>examples/HelloProvider, built as a user builds it and loaded with --plugin.</summary>
public sealed class HelloPlugin : IDisposable
{
    private readonly TempDir _output = new();

    public HelloPlugin()
    {
        string repository = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repository, "PtFs.sln"))) repository = Path.GetDirectoryName(repository)!;
        var build = Ptfs.RunNative(Ptfs.DotnetHostPath, "build", Path.Combine(repository, "examples", "HelloProvider", "HelloProvider.csproj"), "-o", _output.Path, "-nologo", "-v", "q");
        if (build.ExitCode != 0) throw new InvalidOperationException($"the hello plugin did not build: {build.Stdout}{build.Stderr}");
    }

    public string Dll => _output["HelloProvider.dll"];

    public void Dispose() => _output.Dispose();
}

public class PluginTests(HelloPlugin hello) : IClassFixture<HelloPlugin>
{
    [Fact]
    public void The_hello_plugin_serves_its_file()
    {
        var run = Ptfs.Run("mount", "--plugin", hello.Dll, "--provider", "hello", "--at", "/mnt/hello", "--", "/bin/sh", "-c", "cat /mnt/hello/hello && ls /mnt/hello");
        run.Stdout.Should().Be("hello, world\nhello\n");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Its_options_bind_from_the_command_line()
    {
        Ptfs.Run("mount", "--plugin", hello.Dll, "--provider", "hello", "--at", "/mnt/hello", "--option", "name=PtFs", "--", "cat", "/mnt/hello/hello")
            .Stdout.Should().Be("hello, PtFs\n");
        var wrong = Ptfs.Run("mount", "--plugin", hello.Dll, "--provider", "hello", "--at", "/mnt/hello", "--option", "nmae=PtFs", "--", "true");
        wrong.Stderr.Should().Be("ptfs: the hello provider has no option 'nmae' (it takes: name)\n");
        wrong.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Ptfs_providers_lists_it_with_its_options()
    {
        var run = Ptfs.Run("providers", "--plugin", hello.Dll);
        run.Stdout.Should().Contain("hello        One file, /hello, that greets you.\n").And.Contain("--option name=<text>  Who the greeting is for.");
    }

    [Fact]
    public void An_assembly_without_providers_is_refused()
    {
        string notAPlugin = Path.Combine(AppContext.BaseDirectory, "PtFs.Interceptor.dll");
        var run = Ptfs.Run("mount", "--plugin", notAPlugin, "--provider", "hello", "--at", "/mnt/hello", "--", "true");
        run.Stderr.Should().StartWith($"ptfs: {notAPlugin}: declares no provider");
        run.ExitCode.Should().Be(2);
    }
}
