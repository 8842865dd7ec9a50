using System.Security.Cryptography;
using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// zip and tar archives made by Python's zipfile and tarfile, mounted: what programs see must be the tree
/// the archive was made from, attributes and bytes.
/// </summary>
public class ArchiveMountTests(ArchiveFixture archives) : IClassFixture<ArchiveFixture>
{
    // Everything find can say that an archive keeps (directory sizes are the filesystem's, so they are left out).
    private const string Listing = """
        find . -mindepth 1 -type d -printf '%p %y %m %u %g %TY-%Tm-%Td %TH:%TM:%TS %n\n' | sort
        find . -mindepth 1 ! -type d -printf '%p %y %m %u %g %TY-%Tm-%Td %TH:%TM:%TS %s %l\n' | sort
        find . -type f -exec sha256sum {} + | sort
        """;

    [Theory]
    [InlineData("zip", "data.zip")]
    [InlineData("tar", "data.tar")]
    [InlineData("tar", "data.tar.gz")]
    public void A_mounted_archive_shows_the_tree_it_was_made_from(string provider, string archive)
    {
        var native = Ptfs.RunNative("/bin/sh", "-c", $"cd '{archives["src"]}' && {Listing}");
        string at = MountPoint();
        var mounted = Ptfs.Run("mount", "--provider", provider, "--source", archives[archive], "--at", at, "--", "/bin/sh", "-c", $"cd '{at}' && {Listing}");

        mounted.Stderr.Should().BeEmpty();
        mounted.Stdout.Should().Be(native.Stdout);
        mounted.ExitCode.Should().Be(0);
    }

    [Theory]
    [InlineData("data.tar")]
    [InlineData("data.tar.gz")]
    public void Tar_hard_links_are_one_file_with_two_names(string archive)
    {
        string at = MountPoint();
        var run = Ptfs.Run("mount", "--provider", "tar", "--source", archives[archive], "--at", at, "--",
            "/bin/sh", "-c", $"cd '{at}/docs' && stat -c '%h' hard readme.txt && test $(stat -c %i hard) = $(stat -c %i readme.txt) && echo same-inode");
        run.Stdout.Should().Be("2\n2\nsame-inode\n");
    }

    [Theory]
    [InlineData("zip", "data.zip")]
    [InlineData("tar", "data.tar.gz")]
    public void Archives_where_they_lie_can_be_entered_like_directories(string provider, string archive)
    {
        // On disk, a directory of the archive's name holds the tree; under ptfs, the archive file itself.
        using var real = new TempDir();
        Ptfs.RunNative("cp", "-a", archives["src"], real[archive]).ExitCode.Should().Be(0);
        using var work = new TempDir();
        File.Copy(archives[archive], work[archive]);
        string script = $$"""
            cat {{archive}}/docs/readme.txt
            ls {{archive}}/ && ls -l {{archive}}/docs | tail -n +2 | awk '{print $1, $3, $NF}'
            cd {{archive}}/docs && pwd | sed 's|.*/\(.*/.*\)|\1|' && ls && cat ../link && cd .. && pwd | sed 's|.*/||' && cd ..
            find {{archive}}/ -name '*.txt' | sort
            (cd {{archive}}/docs/deep && sha256sum nums)
            python3 -c "import os; print(sorted(os.listdir('{{archive}}/docs')))"
            cat {{archive}}/nothing 2>&1; ls {{archive}}/private.txt/ 2>&1; echo status $?
            """;

        var native = Ptfs.RunNative("/bin/sh", "-c", $"cd '{real.Path}' && {script}");
        var mounted = Ptfs.Run("mount", "--provider", provider, "--", "/bin/sh", "-c", $"cd '{work.Path}' && {script}");

        mounted.Stdout.Should().Be(native.Stdout);
        mounted.ExitCode.Should().Be(native.ExitCode);
    }

    [Theory]
    [InlineData("zip", "data.zip")]
    [InlineData("tar", "data.tar.gz")]
    public void The_archive_file_itself_stays_a_plain_file(string provider, string archive)
    {
        using var work = new TempDir();
        File.Copy(archives[archive], work[archive]);
        string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(work[archive])));
        var run = Ptfs.Run("mount", "--provider", provider, "--", "/bin/sh", "-c",
            $"cd '{work.Path}' && sha256sum < {archive} && stat -c %F {archive} && cp {archive} copy && cmp {archive} copy && echo same && ls {archive}/docs/ >/dev/null && echo entered");
        run.Stdout.Should().Be($"{hash}  -\nregular file\nsame\nentered\n");
    }

    private static string MountPoint() => "/tmp/ptfs-archive-" + Guid.NewGuid().ToString("N")[..8];
}
