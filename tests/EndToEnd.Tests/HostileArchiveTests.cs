using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>Archives built to hurt: escaping names, duplicates, a bomb, truncation and damaged data.</summary>
public class HostileArchiveTests
{
    [Fact]
    public void Escaping_and_duplicate_names_resolve_inside_the_mount_one_defined_way()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["hostile.zip"], """
            import zipfile, sys, warnings
            warnings.simplefilter('ignore')
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('../../evil.txt', 'climbed\n')
                z.writestr('/abs/path.txt', 'absolute\n')
                z.writestr('a/../../b.txt', 'b\n')
                z.writestr('dup.txt', 'first\n')
                z.writestr('dup.txt', 'second\n')
                z.writestr('x', 'a file called x\n')
                z.writestr('x/y', 'x is a directory after all\n')
                z.writestr('./dot/./z', 'z\n')
            """);
        string at = dir["mnt"];
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["hostile.zip"], "--at", at, "--", "/bin/sh", "-c",
            $"cd '{at}' && find . | sort && cat evil.txt abs/path.txt b.txt dup.txt x/y dot/z && ls '{dir.Path}'");

        run.Stdout.Should().Be("""
            .
            ./abs
            ./abs/path.txt
            ./b.txt
            ./dot
            ./dot/z
            ./dup.txt
            ./evil.txt
            ./x
            ./x/y
            climbed
            absolute
            b
            second
            x is a directory after all
            z
            hostile.zip
            mnt

            """.Replace("\r", ""), "nothing lands outside the mount point, which its parent lists");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void A_zip_bomb_streams_in_bounded_memory()
    {
        using var dir = new TempDir();
        const int MiB = 2048; // the issue's 2 GiB: it decompresses at about 1 GB/s, zeros being the easy case
        PythonScript.Make(dir["bomb.zip"], $$"""
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                with z.open('zeros', 'w', force_zip64=True) as f:
                    for _ in range({{MiB}}): f.write(bytes(1 << 20))
            """);
        new FileInfo(dir["bomb.zip"]).Length.Should().BeLessThan(4 << 20, "the bomb is small (deflate tops out near 1000:1)");
        string at = dir["mnt"];
        // ptfs is the shell's parent: its peak resident size after the whole entry went through it.
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["bomb.zip"], "--at", at, "--", "/bin/sh", "-c",
            $"stat -c %s '{at}/zeros' && python3 -c \"import sys; f = open(sys.argv[1], 'rb'); print('equal' if all(not any(c) for c in iter(lambda: f.read(1 << 20), b'')) else 'differs')\" '{at}/zeros' && grep VmHWM /proc/$PPID/status");

        var lines = run.Stdout.Split('\n');
        lines[0].Should().Be($"{(long)MiB << 20}");
        lines[1].Should().Be("equal");
        long peakKiB = long.Parse(lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        peakKiB.Should().BeLessThan(160 * 1024, $"a {MiB} MiB entry must not be held in memory");
    }

    [Fact]
    public void A_truncated_archive_is_refused_before_the_program_starts()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["cut.zip"], """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('f', 'x' * 1000)
            data = open(sys.argv[1], 'rb').read()
            open(sys.argv[1], 'wb').write(data[:-30])
            """);
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["cut.zip"], "--at", dir["mnt"], "--", "touch", dir["started"]);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Be($"ptfs: {dir["cut.zip"]}: not a readable zip archive: no end of central directory record (not a zip, or truncated)\n");
        File.Exists(dir["started"]).Should().BeFalse();
    }

    [Fact]
    public void Damaged_entry_data_gives_EIO_on_that_entry_only()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["damaged.zip"], """
            import zipfile, sys, random
            rng = random.Random(1)
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('bad.txt', ''.join(str(rng.random()) for _ in range(20000)))
                z.writestr('good.txt', 'still fine\n')
                z.writestr(zipfile.ZipInfo('short.bin'), b'y' * 5000)
            with zipfile.ZipFile(sys.argv[1]) as z:
                bad, short = z.getinfo('bad.txt'), z.getinfo('short.bin')
            data = bytearray(open(sys.argv[1], 'rb').read())
            start = bad.header_offset + 30 + len(bad.filename)
            for i in range(start + 100, start + 400): data[i] ^= 0x5a
            open(sys.argv[1], 'wb').write(data)
            """);
        string at = dir["mnt"];
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["damaged.zip"], "--at", at, "--", "/bin/sh", "-c",
            $"cat '{at}/bad.txt' > /dev/null; echo \"bad $?\"; cat '{at}/good.txt'; wc -c < '{at}/short.bin'");

        run.Stdout.Should().Be("bad 1\nstill fine\n5000\n");
        run.Stderr.Should().Contain("Input/output error");
        run.Stderr.Should().Contain("bad.txt: damaged compressed data", "the log says why");
    }

    [Fact]
    public void With_a_log_file_the_program_s_stderr_is_its_own()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["fake.zip"], "not a zip\n");
        var run = Ptfs.Run("mount", "--provider", "zip", "--log-file", dir["ptfs.log"], "--", "/bin/sh", "-c",
            $"cd '{dir.Path}' && cat fake.zip/x; echo own >&2");
        run.Stderr.Should().Be("cat: fake.zip/x: Not a directory\nown\n");
        File.ReadAllText(dir["ptfs.log"]).Should().Contain("fake.zip stays a plain file");
        Ptfs.Run("mount", "--provider", "memory", "--at", "/m", "--log-file", "/nonexistent/dir/log", "--", "true").Stderr
            .Should().StartWith("ptfs: --log-file /nonexistent/dir/log: Could not find a part of the path");
    }

    [Fact]
    public void A_file_that_only_looks_like_an_archive_stays_a_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["fake.zip"], "not a zip\n");
        var run = Ptfs.Run("mount", "--provider", "zip", "--", "/bin/sh", "-c",
            $"cd '{dir.Path}' && cat fake.zip && ls fake.zip/ 2>&1; cat fake.zip/x 2>&1; echo done");

        run.Stdout.Should().Be("not a zip\nls: cannot access 'fake.zip/': Not a directory\ncat: fake.zip/x: Not a directory\ndone\n");
        run.Stderr.Should().Contain("fake.zip stays a plain file", "one warning says why");
    }
}
