using FluentAssertions;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>
/// The smallest provider the contract allows (a hello world on the read-only base class), served through the
/// VFS: it reads, lists and stats, refuses every change with EROFS, and a provider that throws costs the
/// program an errno, never the tracer.
/// </summary>
public class ReadOnlyProviderTests
{
    private const long O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_DIRECTORY = 0x10000, AT_FDCWD = -100;

    /// <summary>The whole hello provider: one file.</summary>
    private sealed class Hello : ReadOnlyFileSystemProvider
    {
        private static readonly byte[] Text = "Hello, World!\n"u8.ToArray();

        public override Errno GetAttributes(string path, out FileStat stat)
        {
            stat = path == "/" ? FileStat.Directory() : FileStat.File(Text.Length);
            return path is "/" or "/hello" ? Errno.Ok : Errno.ENOENT;
        }

        public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
        {
            entries = [new DirectoryEntry("hello", FileType.Regular)];
            return Errno.Ok;
        }

        public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead) =>
            ReadFrom(Text, offset, buffer, out bytesRead);
    }

    /// <summary>Throws what it is told to on every read.</summary>
    private sealed class Failing(Exception failure) : ReadOnlyFileSystemProvider
    {
        public override Errno GetAttributes(string path, out FileStat stat)
        {
            stat = path == "/" ? FileStat.Directory() : FileStat.File(10);
            return Errno.Ok;
        }

        public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries) => throw failure;

        public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead) => throw failure;
    }

    /// <summary>Reports whatever count it is told to, whatever it was asked for.</summary>
    private sealed class Lying(int reported) : ReadOnlyFileSystemProvider
    {
        public override Errno GetAttributes(string path, out FileStat stat)
        {
            stat = path == "/" ? FileStat.Directory() : FileStat.File(1 << 20);
            return Errno.Ok;
        }

        public override Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
        {
            entries = [];
            return Errno.Ok;
        }

        public override Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
        {
            buffer.Fill((byte)'x');
            bytesRead = reported;
            return Errno.Ok;
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-5)]
    public void A_provider_reporting_an_impossible_count_costs_EIO_and_nothing_past_the_buffer(int reported)
    {
        var process = Mounted(new Lying(reported));
        long fd = process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h/any"), O_RDONLY);
        ulong buffer = process.Alloc(32);
        process.Call(Sys.read, fd, (long)buffer, 16).Should().Be(-(long)Errno.EIO);
        process.Bytes(buffer + 16, 16).Should().OnlyContain(b => b == 0, "nothing lands past the 16 bytes asked for");
        process.Call(Sys.lseek, fd, 0, 1 /* SEEK_CUR */).Should().Be(0, "the offset did not move");
    }

    [Fact]
    public void A_hello_provider_reads_lists_and_stats()
    {
        var process = Mounted(new Hello());
        long fd = process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h/hello"), O_RDONLY);
        fd.Should().BeGreaterThanOrEqualTo(VirtualFileSystem.VirtualFdFloor);
        ulong buffer = process.Alloc(64);
        process.Call(Sys.read, fd, (long)buffer, 64).Should().Be(14);
        System.Text.Encoding.ASCII.GetString(process.Bytes(buffer, 14)).Should().Be("Hello, World!\n");

        ulong stat = process.Alloc(StatLayout.StatSize);
        process.Call(Sys.newfstatat, AT_FDCWD, (long)process.Put("/h/hello"), (long)stat, 0).Should().Be(0);
        StatLayout.ReadStat(process.Bytes(stat, StatLayout.StatSize)).Size.Should().Be(14);

        long dir = process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h"), O_RDONLY | O_DIRECTORY);
        ulong entries = process.Alloc(4096);
        long n = process.Call(Sys.getdents64, dir, (long)entries, 4096);
        var names = Names(process.Bytes(entries, (int)n));
        names.Should().Equal(".", "..", "hello");
        process.Call(Sys.getdents64, dir, (long)entries, 4096).Should().Be(0, "the end of the directory");
    }

    [Fact]
    public void A_read_only_provider_refuses_changes_with_EROFS()
    {
        var process = Mounted(new Hello());
        process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h/hello"), O_WRONLY).Should().Be(-(long)Errno.EROFS);
        process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h/new"), O_WRONLY | O_CREAT, 0x1A4).Should().Be(-(long)Errno.EROFS);
        process.Call(Sys.mkdir, (long)process.Put("/h/d"), 0x1ED).Should().Be(-(long)Errno.EROFS);
        process.Call(Sys.mkdir, (long)process.Put("/h/hello"), 0x1ED).Should().Be(-(long)Errno.EEXIST, "EEXIST comes before EROFS, as in the kernel");
        process.Call(Sys.unlink, (long)process.Put("/h/hello")).Should().Be(-(long)Errno.EROFS);
        process.Call(Sys.rename, (long)process.Put("/h/hello"), (long)process.Put("/h/x")).Should().Be(-(long)Errno.EROFS);
        process.Call(Sys.access, (long)process.Put("/h/hello"), 2 /* W_OK */).Should().Be(-(long)Errno.EROFS);
    }

    [Theory]
    [InlineData("io", Errno.EIO)]
    [InlineData("nospace", Errno.ENOSPC)]
    [InlineData("missing", Errno.ENOENT)]
    public void A_provider_that_throws_costs_the_program_an_errno(string kind, Errno expected)
    {
        Exception failure = kind switch
        {
            "io" => new InvalidOperationException("a provider bug"),
            "nospace" => new FsException(Errno.ENOSPC),
            _ => new FileNotFoundException(),
        };
        var process = Mounted(new Failing(failure));
        long fd = process.Call(Sys.openat, AT_FDCWD, (long)process.Put("/h/any"), O_RDONLY);
        process.Call(Sys.read, fd, (long)process.Alloc(16), 16).Should().Be(-(long)expected);
    }

    private static FakeProcess Mounted(IFileSystemProvider provider)
    {
        var mounts = new MountTable();
        mounts.Add("/h", provider, "test");
        return new FakeProcess(new VirtualFileSystem(mounts), 300);
    }

    private static List<string> Names(byte[] dirents)
    {
        var names = new List<string>();
        for (int at = 0; at < dirents.Length;)
        {
            int length = BitConverter.ToUInt16(dirents, at + 16);
            names.Add(System.Text.Encoding.UTF8.GetString(dirents, at + 19, length - 19).TrimEnd('\0'));
            at += length;
        }
        return names;
    }
}
