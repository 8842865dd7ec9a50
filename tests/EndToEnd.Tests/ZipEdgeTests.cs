using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>Zips as they come in the wild: with a stub in front, damaged, encrypted, behind symlinks, rewritten while mounted.</summary>
public class ZipEdgeTests
{
    private const string TwoEntries = """
        import zipfile, sys
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            z.comment = b'kept through write-back'
            z.writestr('a.txt', 'alpha\n'); z.writestr('b.txt', 'beta\n')
        """;

    [Fact]
    public void A_zip_with_bytes_in_front_is_read_like_unzip_reads_it()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["plain.zip"], TwoEntries);
        File.WriteAllBytes(dir["sfx.zip"], [.. new byte[3000], .. File.ReadAllBytes(dir["plain.zip"])]);
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["sfx.zip"], "--at", dir["m"], "--", "cat", $"{dir["m"]}/a.txt", $"{dir["m"]}/b.txt");
        run.Stdout.Should().Be("alpha\nbeta\n");
    }

    [Fact]
    public void Impossible_sizes_refuse_the_archive_and_overlong_names_are_left_out()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["negative.zip"], """
            import zipfile, sys, struct
            with zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('f', 'x')
            data = bytearray(open(sys.argv[1], 'rb').read())
            cd = data.rindex(b'PK\x01\x02')
            data[cd + 24:cd + 28] = b'\xff\xff\xff\xff'   # uncompressed size: see the ZIP64 field
            extra = struct.pack('<HHq', 1, 8, -1)
            name_end = cd + 46 + 1
            data[cd + 30:cd + 32] = struct.pack('<H', len(extra))
            data[name_end:name_end] = extra
            eocd = data.rindex(b'PK\x05\x06')
            data[eocd + 12:eocd + 16] = struct.pack('<I', struct.unpack('<I', data[eocd + 12:eocd + 16])[0] + len(extra))
            open(sys.argv[1], 'wb').write(data)
            """);
        var refused = Ptfs.Run("mount", "--provider", "zip", "--source", dir["negative.zip"], "--at", dir["m"], "--", "true");
        refused.Stderr.Should().Be($"ptfs: {dir["negative.zip"]}: not a readable zip archive: entry f has an impossible size or offset\n");
        refused.ExitCode.Should().Be(2);

        PythonScript.Make(dir["long.zip"], """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('n' * 300, 'too long'); z.writestr('d/' * 2100 + 'f', 'too deep'); z.writestr('ok', 'fine\n')
            """);
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["long.zip"], "--at", dir["m"], "--", "/bin/sh", "-c", $"ls '{dir["m"]}' && cat '{dir["m"]}/ok'");
        run.Stdout.Should().Be("ok\nfine\n");
        run.Stderr.Should().Contain("is longer than Linux allows a name or path to be; it is left out");
    }

    [Fact]
    public void A_tar_declaring_a_huge_long_name_is_refused_without_reading_it()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["bomb.tar"], """
            import sys
            header = bytearray(512)
            header[0:13] = b'././@LongLink'
            header[100:108] = b'0000644\0'; header[108:116] = b'0000000\0'; header[116:124] = b'0000000\0'
            header[124:136] = b'%011o\0' % (2 << 30)
            header[136:148] = b'00000000000\0'; header[156:157] = b'L'; header[257:265] = b'ustar  \0'
            header[148:156] = b'        '
            header[148:156] = b'%06o\0 ' % sum(header)
            open(sys.argv[1], 'wb').write(bytes(header) + bytes(4096))
            """);
        var run = Ptfs.Run("mount", "--provider", "tar", "--source", dir["bomb.tar"], "--at", dir["m"], "--", "true");
        run.Stderr.Should().Be($"ptfs: {dir["bomb.tar"]}: not a readable tar archive: a L header declares {2L << 30} bytes of names or attributes\n");
        run.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Write_back_keeps_encrypted_entries_and_the_comment_and_replaces_the_file_a_symlink_names()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["secret.txt"], "sealed\n");
        File.WriteAllText(dir["open.txt"], "open\n");
        Ptfs.RunNative("/bin/sh", "-c", $"cd '{dir.Path}' && zip -q -P pw e.zip secret.txt && zip -q -z e.zip < secret.txt && zip -q e.zip open.txt && mkdir real && mv e.zip real/ && ln -s real/e.zip alias.zip")
            .ExitCode.Should().Be(0);

        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["alias.zip"], "--at", dir["m"], "--option", "writable=true", "--",
            "/bin/sh", "-c", $"echo changed > '{dir["m"]}/open.txt' && echo new > '{dir["m"]}/new.txt'");
        run.ExitCode.Should().Be(0, run.Stderr);

        new FileInfo(dir["alias.zip"]).LinkTarget.Should().Be("real/e.zip", "the link stays a link");
        var test = Ptfs.RunNative("unzip", "-t", "-P", "pw", dir["real/e.zip"]);
        test.Stdout.Should().Contain("No errors detected").And.Contain("testing: secret.txt").And.Contain("testing: new.txt");
        Ptfs.RunNative("unzip", "-p", "-P", "pw", dir["real/e.zip"], "secret.txt").Stdout.Should().Be("sealed\n");
        Ptfs.RunNative("unzip", "-p", dir["real/e.zip"], "open.txt").Stdout.Should().Be("changed\n");
        Ptfs.RunNative("unzip", "-z", dir["real/e.zip"]).Stdout.Should().Contain("sealed", "the archive's comment is kept");
    }

    [Fact]
    public void An_archive_rewritten_while_mounted_where_it_lies_is_read_again()
    {
        using var dir = new TempDir();
        var run = Ptfs.Run("mount", "--provider", "zip", "--", "/bin/sh", "-c", $$"""
            cd '{{dir.Path}}'
            python3 -c "import zipfile; z = zipfile.ZipFile('o.zip', 'w'); z.writestr('x', 'first\n'); z.close()"
            cat o.zip/x
            python3 -c "import zipfile; z = zipfile.ZipFile('o.zip', 'w'); z.writestr('y', '0123456789abcd'); z.writestr('x', 'second\n'); z.close()"
            ls o.zip/ && cat o.zip/x
            rm o.zip && mkdir o.zip && touch o.zip/f && ls o.zip
            """);
        run.Stdout.Should().Be("first\nx\ny\nsecond\nf\n");
        run.ExitCode.Should().Be(0, run.Stderr);
    }

    [Fact]
    public void Options_reach_relative_mount_points_and_the_archive_provider_beside_other_mounts()
    {
        using var dir = new TempDir();
        var relative = Ptfs.StartInfo("mount", "-m", "m1=memory", "-o", "m1:mode=700", "--", "stat", "-c", "%a", dir["m1"]);
        relative.WorkingDirectory = dir.Path;
        RunResult.Of(relative, Ptfs.DefaultTimeout).Stdout.Should().Be("700\n");

        PythonScript.Make(dir["w.zip"], TwoEntries);
        var run = Ptfs.Run("mount", "--provider", "zip", "-m", $"{dir["q"]}=memory", "-o", "writable=true", "--", "/bin/sh", "-c", $"echo gamma > '{dir["w.zip"]}/c.txt'");
        run.ExitCode.Should().Be(0, run.Stderr);
        Ptfs.RunNative("unzip", "-p", dir["w.zip"], "c.txt").Stdout.Should().Be("gamma\n");
    }

    [Fact]
    public void Python_imports_a_package_from_a_zip_mount_and_maps_an_entry()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["lib.zip"], """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('mypkg/__init__.py', 'from .mod import VALUE\n')
                z.writestr('mypkg/mod.py', 'VALUE = sum(range(10))\n')
                z.writestr('data.bin', bytes(range(256)) * 100)
            """);
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["lib.zip"], "--at", dir["m"], "--", "/bin/sh", "-c",
            $"PYTHONPATH='{dir["m"]}' python3 -B -c \"import mypkg, mmap; print(mypkg.VALUE); f = open('{dir["m"]}/data.bin', 'rb'); m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ); print(len(m), m[255], m[-1], m[:256] == bytes(range(256)))\"");
        run.Stdout.Should().Be("45\n25600 255 255 True\n");
        run.ExitCode.Should().Be(0, run.Stderr);
    }

    [Fact]
    public void Stores_through_a_shared_mapping_reach_a_writable_zip_and_an_entry_only_mapped_stays_as_it_was()
    {
        using var dir = new TempDir();
        PythonScript.Make(dir["a.zip"], """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('changed.txt', '0123456789' * 1000)
                z.writestr('read.txt', 'abcdefghij' * 1000)
            """);
        File.Copy(dir["a.zip"], dir["before.zip"]);
        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["a.zip"], "--at", dir["m"], "--option", "writable=true", "--", "python3", "-c",
            $"import mmap, os; m = mmap.mmap(os.open('{dir["m"]}/changed.txt', os.O_RDWR), 0); m[5:9] = b'ABCD'; r = mmap.mmap(os.open('{dir["m"]}/read.txt', os.O_RDWR), 0); print(r[0:3])");
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Be("b'abc'\n");

        var check = Ptfs.RunNative("python3", "-c", """
            import zipfile, sys
            def raw(z, name):
                info = z.getinfo(name)
                z.fp.seek(info.header_offset + 26)
                skip = int.from_bytes(z.fp.read(2), 'little') + int.from_bytes(z.fp.read(2), 'little')
                z.fp.seek(skip, 1)
                return z.fp.read(info.compress_size)
            with zipfile.ZipFile(sys.argv[1]) as new, zipfile.ZipFile(sys.argv[2]) as old:
                print(new.testzip(), new.read('changed.txt')[:12], raw(new, 'read.txt') == raw(old, 'read.txt'))
            """, dir["a.zip"], dir["before.zip"]);
        check.Stdout.Should().Be("None b'01234ABCD901' True\n",
            "the store was written back at exit, and a mapping that stored nothing left its entry's compressed bytes as they were");
    }

    [Fact]
    public void Sqlite_reads_a_database_inside_a_zip_with_reads_and_with_mmap()
    {
        using var dir = new TempDir();
        const string Query = "select count(*), sum(a), max(b) from t; pragma mmap_size=1000000; select sum(length(b)) from t; pragma integrity_check;";
        Ptfs.RunNative("sqlite3", dir["db.sqlite"],
            "create table t(a integer, b text); with recursive c(x) as (select 1 union all select x+1 from c where x < 20000) insert into t select x, 'row ' || x from c;")
            .ExitCode.Should().Be(0);
        PythonScript.Make(dir["d.zip"], $"import zipfile, sys; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); z.write('{dir["db.sqlite"]}', 'db.sqlite'); z.close()");
        var native = Ptfs.RunNative("sqlite3", dir["db.sqlite"], Query);
        native.Stdout.Should().Contain("20000|200010000|row 9999");

        var run = Ptfs.Run("mount", "--provider", "zip", "--source", dir["d.zip"], "--at", dir["m"], "--", "sqlite3", dir["m/db.sqlite"], Query);
        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.ExitCode.Should().Be(0);
    }
}
