using System.Security.Cryptography;
using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>The plugins in examples/, each built as a user builds it (dotnet build -o).</summary>
public sealed class ExamplePlugins : IDisposable
{
    private readonly TempDir _output = new();

    public ExamplePlugins()
    {
        foreach (string example in new[] { "HelloProvider", "FileProviderAdapter", "EncryptedProvider" })
        {
            var build = Ptfs.RunNative(Ptfs.DotnetHostPath, "build", Path.Combine(Repository.Root, "examples", example, example + ".csproj"),
                "-o", _output[example], "-nologo", "-v", "q", "--no-restore"); // restored with the solution; a restore could race other builds
            if (build.ExitCode != 0) throw new InvalidOperationException($"examples/{example} did not build: {build.Stdout}{build.Stderr}");
        }
    }

    public string this[string example] => Path.Combine(_output[example], example + ".dll");

    public void Dispose() => _output.Dispose();
}

public class PluginTests(ExamplePlugins plugins) : IClassFixture<ExamplePlugins>
{
    [Fact]
    public void The_hello_plugin_serves_its_file()
    {
        var run = Ptfs.Run("mount", "--plugin", plugins["HelloProvider"], "--provider", "hello", "--at", "/mnt/hello", "--", "/bin/sh", "-c", "cat /mnt/hello/hello && ls /mnt/hello");
        run.Stdout.Should().Be("hello, world\nhello\n");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Its_options_bind_from_the_command_line()
    {
        Ptfs.Run("mount", "--plugin", plugins["HelloProvider"], "--provider", "hello", "--at", "/mnt/hello", "--option", "name=PtFs", "--", "cat", "/mnt/hello/hello")
            .Stdout.Should().Be("hello, PtFs\n");
        var wrong = Ptfs.Run("mount", "--plugin", plugins["HelloProvider"], "--provider", "hello", "--at", "/mnt/hello", "--option", "nmae=PtFs", "--", "true");
        wrong.Stderr.Should().Be("ptfs: the hello provider has no option 'nmae' (it takes: name)\n");
        wrong.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Ptfs_providers_lists_plugins_with_their_options()
    {
        var run = Ptfs.Run("providers", "--plugin", plugins["HelloProvider"], "--plugin", plugins["EncryptedProvider"]);
        run.Stdout.Should().Contain("hello        One file, /hello, that greets you.\n").And.Contain("--option name=<text>  Who the greeting is for.")
            .And.Contain("encrypted    File contents encrypted at rest").And.Contain("--option passphrase=<text>");
    }

    [Fact]
    public void An_assembly_without_providers_is_refused()
    {
        string notAPlugin = Path.Combine(AppContext.BaseDirectory, "PtFs.Interceptor.dll");
        var run = Ptfs.Run("mount", "--plugin", notAPlugin, "--provider", "hello", "--at", "/mnt/hello", "--", "true");
        run.Stderr.Should().StartWith($"ptfs: {notAPlugin}: declares no provider");
        run.ExitCode.Should().Be(2);
    }

    [Fact]
    public void A_physical_file_provider_shows_the_directory_s_files()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["src/sub"]);
        File.WriteAllText(dir["src/a.txt"], "alpha\n");
        File.WriteAllBytes(dir["src/sub/b.bin"], RandomNumberGenerator.GetBytes(200_000));
        const string Script = "find . | sort && find . -type f -exec sha256sum {} + | sort";
        var native = Ptfs.RunNative("/bin/sh", "-c", $"cd '{dir["src"]}' && {Script}");
        var mounted = Ptfs.Run("mount", "--plugin", plugins["FileProviderAdapter"], "--provider", "fileprovider", "--source", dir["src"], "--at", dir["mnt"],
            "--", "/bin/sh", "-c", $"cd '{dir["mnt"]}' && {Script}");
        mounted.Stdout.Should().Be(native.Stdout);
    }

    [Fact]
    public void An_embedded_file_provider_shows_an_assembly_s_resources()
    {
        var run = Ptfs.Run("mount", "--plugin", plugins["FileProviderAdapter"], "--provider", "fileprovider", "--option", "kind=embedded",
            "--source", plugins["FileProviderAdapter"], "--at", "/mnt/res", "--", "cat", "/mnt/res/README.md");
        run.Stdout.Should().Be(File.ReadAllText(Path.Combine(Repository.Root, "examples", "FileProviderAdapter", "README.md")));
    }

    [Fact]
    public void An_encrypted_mount_behaves_like_a_directory()
    {
        using var host = new TempDir();
        MountedLikeRealDirectory.Check("encrypted", """
            mkdir -p d/e && echo "a secret line" > d/e/f && cat d/e/f && echo more >> d/e/f && wc -c d/e/f
            seq 1 50000 > big && sha256sum big && truncate -s 1000 big && tail -c 20 big && ls -l big | cut -d' ' -f5
            touch empty && wc -c < empty && mv d/e/f moved && cat moved && ln -s moved link && cat link
            python3 -c "
            f = open('r', 'w+b'); f.write(b'0123456789' * 1000); f.seek(5000); f.write(b'XYZ'); f.seek(4998); print(f.read(7)); f.close()
            import os; print(os.path.getsize('r'), sorted(os.listdir('.')))"
            """, host.Path, "--plugin", plugins["EncryptedProvider"], "--option", "passphrase=correct horse");
    }

    [Fact]
    public void The_host_directory_holds_only_ciphertext()
    {
        using var host = new TempDir();
        string plain = string.Concat(Enumerable.Repeat("plain text that must not reach the disk\n", 100));
        File.WriteAllText(host["input"], plain);
        string at = "/tmp/ptfs-enc-" + Guid.NewGuid().ToString("N")[..8];
        string[] mount = ["mount", "--plugin", plugins["EncryptedProvider"], "--provider", "encrypted", "--source", host["vault"], "--at", at];
        Directory.CreateDirectory(host["vault"]);

        Ptfs.Run([.. mount, "--option", "passphrase=correct horse", "--", "cp", host["input"], $"{at}/copy"]).ExitCode.Should().Be(0);

        var stored = File.ReadAllBytes(host["vault/copy"]);
        stored.Length.Should().Be(plain.Length + 16, "a 16-byte nonce comes first");
        System.Text.Encoding.ASCII.GetString(stored).Should().NotContain("plain text");
        Ptfs.Run([.. mount, "--option", "passphrase=correct horse", "--", "cat", $"{at}/copy"]).Stdout.Should().Be(plain);
        Ptfs.Run([.. mount, "--option", "passphrase=wrong", "--", "cat", $"{at}/copy"]).Stdout.Should().NotBe(plain);
    }
}
