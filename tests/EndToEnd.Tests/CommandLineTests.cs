using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// ptfs mount as a user types it: mistakes give one line and exit 2 before the program starts; the
/// program's arguments and output are its own.
/// </summary>
public class CommandLineTests(ArchiveFixture archives) : IClassFixture<ArchiveFixture>
{
    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["--provider", "nope", "--at", "/mnt/x"], "ptfs: no provider called 'nope' (there are: memory, passthrough, tar, zip; see ptfs providers)" },
        { ["--provider", "zip", "--source", "/nonexistent.zip", "--at", "/mnt/x"], "ptfs: /nonexistent.zip: cannot open the archive: Could not find file '/nonexistent.zip'." },
        { ["--provider", "zip", "--source", "/etc/hostname", "--at", "/mnt/x"], "ptfs: /etc/hostname: not a readable zip archive: no end of central directory record (not a zip, or truncated)" },
        { ["--provider", "tar", "--source", "/etc/hostname", "--at", "/mnt/x"], "ptfs: /etc/hostname: not a readable tar archive:" },
        { ["--provider", "memory", "--at", "/mnt/x", "--option", "size=3"], "ptfs: the memory provider has no option 'size' (it takes: uid, gid, mode)" },
        { ["--provider", "passthrough", "--source", "/tmp", "--at", "/mnt/x", "--option", "size=3"], "ptfs: the passthrough provider takes no options (got size)" },
        { ["--provider", "memory", "--at", "/mnt/x", "--option", "size"], "ptfs: --option wants KEY=VALUE or DIR:KEY=VALUE, not 'size'" },
        { ["--provider", "memory"], "ptfs: the memory provider needs --at DIR: it serves no archive files where they lie" },
        { ["--provider", "zip", "--at", "/mnt/x"], "ptfs: the zip provider needs --source: a zip archive" },
        { ["--provider", "zip", "--source", "a.zip"], "ptfs: --source needs --at: where should the program see it?" },
        { ["--mount", "/mnt/a=memory", "--mount", "/mnt/a/b=memory"], "ptfs: mount point /mnt/a/b lies inside the mount at /mnt/a; mount them side by side" },
        { ["--mount", "/mnt/a=memory", "--mount", "/mnt/a=memory"], "ptfs: /mnt/a is given as a mount point twice" },
        { ["--mount", "/mnt/a"], "ptfs: --mount wants DIR=NAME[:SOURCE], not '/mnt/a'" },
        { ["--mount", "/mnt/a=memory", "--mount", "/mnt/b=memory", "-o", "k=v"], "ptfs: --option k=v: with several mounts, say which: --option DIR:k=v" },
        { ["--plugin", "/nonexistent.dll", "--provider", "x", "--at", "/y"], "ptfs: /nonexistent.dll: plugin not found" },
        { ["--plugin", "/etc/hostname", "--provider", "x", "--at", "/y"], "ptfs: /etc/hostname: cannot load the plugin:" },
        { [], "ptfs: nothing to mount: give --provider NAME (with --at DIR) or --mount DIR=NAME[:SOURCE]" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_gives_one_line_and_exit_code_2_before_the_program_starts(string[] arguments, string message)
    {
        using var dir = new TempDir();
        var run = Ptfs.Run(["mount", .. arguments, "--", "touch", dir["started"]]);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().StartWith(message).And.EndWith("\n");
        run.Stderr.Count(c => c == '\n').Should().Be(1, "one line: {0}", run.Stderr);
        File.Exists(dir["started"]).Should().BeFalse("nothing starts");
    }

    [Fact]
    public void A_program_that_does_not_exist_is_a_mistake_too()
    {
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", "/mnt/x", "--", "/no/such/program");
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Be("ptfs: /no/such/program: program not found\n");
    }

    [Fact]
    public void The_program_keeps_its_options_its_at_files_and_its_exit_status()
    {
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", "/mnt/x", "--", "/bin/sh", "-c", "echo \"$@\"; exit 7", "sh", "--provider", "@file", "-o", "x");
        run.Stdout.Should().Be("--provider @file -o x\n");
        run.ExitCode.Should().Be(7);

        var withoutDashes = Ptfs.Run("mount", "--provider", "memory", "--at", "/mnt/x", "echo", "--help", "@args");
        withoutDashes.Stdout.Should().Be("--help @args\n");
    }

    [Fact]
    public void Several_mounts_of_different_providers_at_once()
    {
        string a = "/tmp/ptfs-a-" + Guid.NewGuid().ToString("N")[..8], b = a + "-tar", m = a + "-mem";
        var run = Ptfs.Run("mount", "--mount", $"{a}=zip:{archives["data.zip"]}", "-m", $"{b}=tar:{archives["data.tar.gz"]}", "-m", $"{m}=memory",
            "--stats", "--", "/bin/sh", "-c", $"cat {a}/docs/readme.txt {b}/link && echo note > {m}/n && cat {m}/n && stat -c %d {a} {b} {m} | sort -u | wc -l");

        run.Stdout.Should().Be("hello from the archive\nhello from the archive\nnote\n3\n");
        run.Stderr.Should().StartWith("ptfs stats: wall time", "--stats reports on stderr, after the program");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Provider_options_bind_to_the_provider()
    {
        Ptfs.Run("mount", "--provider", "memory", "--at", "/mnt/m", "-o", "mode=1777", "-o", "uid=65534", "--", "stat", "-c", "%a %u", "/mnt/m")
            .Stdout.Should().Be("1777 65534\n");
        var bad = Ptfs.Run("mount", "--provider", "memory", "--at", "/mnt/m", "-o", "uid=nobody", "--", "true");
        bad.Stderr.Should().Be("ptfs: bad option for the memory provider: Failed to convert configuration value 'nobody' at 'Uid' to type 'System.UInt32'.\n");
        bad.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Help_lists_every_option_with_examples_and_the_version_is_printed()
    {
        var help = Ptfs.Run("mount", "--help");
        foreach (string option in new[] { "--provider", "--source", "--at", "--option", "--mount", "--plugin", "--stats", "--log-level", "Examples:" })
            help.Stdout.Should().Contain(option);
        Ptfs.Run("--help").Stdout.Should().Contain("mount").And.Contain("providers").And.Contain("trace");
        Ptfs.Run("--version").Stdout.Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public void Stats_name_what_the_VFS_served_and_stats_json_says_the_same_for_scripts()
    {
        using var dir = new TempDir();
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", dir["m"], "--stats", "--stats-json", dir["stats.json"], "--",
            "sh", "-c", $"echo hi > {dir["m"]}/f && cat {dir["m"]}/f {dir["m"]}/f");
        run.Stdout.Should().Be("hi\nhi\n");
        run.Stderr.Should().Contain("served by the VFS:").And.Contain("time in the VFS and providers:");

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["stats.json"]));
        var root = json.RootElement;
        long Count(string group, string name) => root.GetProperty(group).TryGetProperty(name, out var n) ? n.GetInt64() : 0;
        Count("served", "openat").Should().Be(3, "one open for the redirection, one per file cat reads");
        Count("served", "read").Should().BeGreaterThanOrEqualTo(2);
        Count("trapped", "openat").Should().BeGreaterThan(Count("served", "openat"), "the loader's real opens stop too, and go to the kernel");
        root.GetProperty("stops").GetInt64().Should().Be(root.GetProperty("stops_by_kind").EnumerateObject().Sum(k => k.Value.GetInt64()));
        var moved = root.GetProperty("bytes_moved");
        (moved.GetProperty("shared_region").GetInt64() + moved.GetProperty("process_vm_writev").GetInt64()).Should().BeGreaterThanOrEqualTo(6, "cat read hi twice");
        moved.GetProperty("process_vm_readv").GetInt64().Should().BeGreaterThanOrEqualTo(3 + 2 * dir["m/f"].Length, "echo wrote 3 bytes, and three paths were read");
        run.Stderr.Should().Contain($"served by the VFS: {root.GetProperty("served").EnumerateObject().Sum(k => k.Value.GetInt64())} total");
    }

    [Fact]
    public void Providers_are_listed_with_what_they_serve()
    {
        var run = Ptfs.Run("providers");
        run.Stdout.Should().Contain("memory ").And.Contain("passthrough ").And.Contain("zip ").And.Contain("tar ")
            .And.Contain("archives where they lie: *.zip");
        run.ExitCode.Should().Be(0);
    }
}
