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

    [Fact]
    public void Zip64_entries_past_4_GiB_and_archives_of_more_than_65535_entries()
    {
        using var dir = new TempDir();
        // A stored entry of 4 GiB + 10 bytes (a sparse file: little disk) and an entry whose offset needs ZIP64.
        PythonScript.Make(dir["big.zip"], """
            import struct, sys, zlib
            path = sys.argv[1]
            big = (4 << 30) + 10
            tail = b'tail-bytes'
            after = b'after the big one\n'
            def local(name, crc, csize, usize, zip64):
                extra = struct.pack('<HHQQ', 1, 16, usize, csize) if zip64 else b''
                return struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 0, 0, 0x21, crc,
                                   0xFFFFFFFF if zip64 else csize, 0xFFFFFFFF if zip64 else usize, len(name), len(extra)) + name + extra
            def central(name, crc, csize, usize, offset, extra):
                big_sizes = usize >= 0xFFFFFFFF
                return struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, (3 << 8) | 45, 45, 0, 0, 0, 0x21, crc,
                                   0xFFFFFFFF if big_sizes else csize, 0xFFFFFFFF if big_sizes else usize,
                                   len(name), len(extra), 0, 0, 0, 0o100644 << 16, min(offset, 0xFFFFFFFF)) + name + extra
            with open(path, 'wb') as f:
                f.write(local(b'big.bin', 0, big, big, True))
                f.seek(big - len(tail), 1)
                f.write(tail)
                after_offset = f.tell()
                f.write(local(b'after.txt', zlib.crc32(after), len(after), len(after), False) + after)
                cd_start = f.tell()
                f.write(central(b'big.bin', 0, big, big, 0, struct.pack('<HHQQ', 1, 16, big, big)))
                f.write(central(b'after.txt', zlib.crc32(after), len(after), len(after), after_offset, struct.pack('<HHQ', 1, 8, after_offset)))
                cd_size = f.tell() - cd_start
                z64 = f.tell()
                f.write(struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, 2, 2, cd_size, cd_start))
                f.write(struct.pack('<IIQI', 0x07064b50, 0, z64, 1))
                f.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
            """);
        PythonScript.Make(dir["many.zip"], """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                for i in range(70000): z.writestr(f'd{i // 1000}/f{i}', str(i))
            """);
        string big = MountPoint(), many = MountPoint();
        var run = Ptfs.Run("mount", "-m", $"{big}=zip:{dir["big.zip"]}", "-m", $"{many}=zip:{dir["many.zip"]}", "--", "/bin/sh", "-c",
            $"stat -c %s {big}/big.bin && tail -c 10 {big}/big.bin && echo && cat {big}/after.txt && find {many} -type f | wc -l && cat {many}/d69/f69999");

        run.Stdout.Should().Be($"{(4L << 30) + 10}\ntail-bytes\nafter the big one\n70000\n69999");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void A_writable_zip_is_replaced_at_exit_with_the_changes_and_untouched_entries_kept_compressed_as_they_were()
    {
        const string Changes = """
            rm docs/hard && echo new > new.txt && echo more >> docs/readme.txt && rm private.txt && mv bin tools && chmod 700 tools/run.sh
            mkdir -p newdir/sub && ln -s new.txt newlink && seq 1 100000 > seq.txt && truncate -s 10 docs/deep/nums && rm -r a
            """;
        const string Shape = "find . -mindepth 1 -printf '%p %y %m %s %l\\n' | sort && find . -type f -exec sha256sum {} + | sort";
        using var dir = new TempDir();
        File.Copy(archives["data.zip"], dir["data.zip"]);
        Ptfs.RunNative("cp", "-a", archives["src"], dir["real"]).ExitCode.Should().Be(0);
        Ptfs.RunNative("/bin/sh", "-c", $"cd '{dir["real"]}' && {Changes}").ExitCode.Should().Be(0);
        string at = MountPoint();
        long inode = Inode(dir["data.zip"]);

        var changed = Ptfs.Run("mount", "--provider", "zip", "--source", dir["data.zip"], "--at", at, "--option", "writable=true", "--", "/bin/sh", "-c", $"cd '{at}' && {Changes}");
        changed.ExitCode.Should().Be(0, changed.Stderr);

        Inode(dir["data.zip"]).Should().NotBe(inode, "a new archive was renamed over the old one");
        var check = Ptfs.RunNative("python3", "-c", """
            import sys, zipfile, struct
            def raw(z, info):
                z.fp.seek(info.header_offset)
                h = z.fp.read(30)
                z.fp.seek(info.header_offset + 30 + struct.unpack('<H', h[26:28])[0] + struct.unpack('<H', h[28:30])[0])
                return z.fp.read(info.compress_size)
            old, new = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
            print('crc', new.testzip())
            same = [i.filename for i in new.infolist() if i.filename in old.NameToInfo and not i.is_dir() and raw(new, i) == raw(old, old.getinfo(i.filename))]
            print('copied compressed:', sorted(same))
            """, archives["data.zip"], dir["data.zip"]);
        check.Stdout.Should().Be("""
            crc None
            copied compressed: ['dangling', 'dirlink', 'empty.txt', 'link', 'name with spaces.txt', "odd$chars&;[]'.txt", 'random.bin', 'ünïcödé-名前.txt']

            """, check.Stderr);

        var native = Ptfs.RunNative("/bin/sh", "-c", $"cd '{dir["real"]}' && {Shape}");
        var mounted = Ptfs.Run("mount", "--provider", "zip", "--source", dir["data.zip"], "--at", at, "--", "/bin/sh", "-c", $"cd '{at}' && {Shape}");
        mounted.Stdout.Should().Be(native.Stdout, "the archive now holds what the same commands left in a real directory");
    }

    [Fact]
    public void A_zip_is_read_only_unless_asked_and_then_unchanged_byte_for_byte()
    {
        using var dir = new TempDir();
        File.Copy(archives["data.zip"], dir["data.zip"]);
        string at = MountPoint();
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["data.zip"], "--at", at, "--", "/bin/sh", "-c",
            $"(echo x > {at}/new) 2>&1; rm {at}/link 2>&1; mkdir {at}/d 2>&1; touch {at}/empty.txt 2>&1; " +
            $"python3 -c \"import os; os.setxattr('{at}/empty.txt', 'user.x', b'1')\" 2>&1 | tail -1; true");
        run.Stdout.Should().Contain($"{at}/new: Read-only file system").And.Contain($"rm: cannot remove '{at}/link': Read-only file system")
            .And.Contain($"{at}/d").And.Contain($"touch: cannot touch '{at}/empty.txt': Read-only file system").And.Contain("OSError: [Errno 30] Read-only file system");
        File.ReadAllBytes(dir["data.zip"]).Should().Equal(File.ReadAllBytes(archives["data.zip"]));

        Ptfs.Run("mount", "--provider", "zip", "--source", dir["data.zip"], "--at", at, "--option", "writable=true", "--", "/bin/sh", "-c", $"cat {at}/docs/readme.txt > /dev/null")
            .ExitCode.Should().Be(0);
        File.ReadAllBytes(dir["data.zip"]).Should().Equal(File.ReadAllBytes(archives["data.zip"]), "reading changes nothing, so nothing is written");
    }

    private static long Inode(string path) => long.Parse(Ptfs.RunNative("stat", "-c", "%i", path).Stdout);

    private static string MountPoint() => "/tmp/ptfs-archive-" + Guid.NewGuid().ToString("N")[..8];
}
