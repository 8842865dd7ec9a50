using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FluentAssertions;
using PtFs.Vfs.Kernel;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>
/// The structs the VFS writes for programs, compared byte for byte with what the kernel writes for a real
/// file with the same attributes.
/// </summary>
public partial class KernelLayoutTests : IDisposable
{
    private const int SYS_newfstatat = 262, SYS_getdents64 = 217, SYS_statx = 332, AT_FDCWD = -100;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ptfs-layout-" + Guid.NewGuid().ToString("N")[..8]);

    public KernelLayoutTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Path.Combine(_dir, "file"), new byte[12345]);
        File.SetUnixFileMode(Path.Combine(_dir, "file"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Stat_matches_the_kernels()
    {
        var kernel = new byte[StatLayout.StatSize];
        Syscall(SYS_newfstatat, AT_FDCWD, Path.Combine(_dir, "file"), kernel, 0).Should().Be(0);
        var ours = new byte[StatLayout.StatSize];
        StatLayout.WriteStat(ours, FromKernelStat(kernel), BinaryPrimitives.ReadUInt64LittleEndian(kernel));
        ours.Should().Equal(kernel);
    }

    [Fact]
    public void Statx_matches_the_kernels_in_every_basic_field()
    {
        var kernel = new byte[StatLayout.StatxSize];
        Syscall(SYS_statx, AT_FDCWD, Path.Combine(_dir, "file"), kernel, (long)StatLayout.StatxBasicStats, 0).Should().Be(0);
        var stat = new byte[StatLayout.StatSize];
        Syscall(SYS_newfstatat, AT_FDCWD, Path.Combine(_dir, "file"), stat, 0).Should().Be(0);
        var ours = new byte[StatLayout.StatxSize];
        StatLayout.WriteStatx(ours, FromKernelStat(stat), BinaryPrimitives.ReadUInt64LittleEndian(stat));

        // mask (basic stats), blksize, nlink, uid, gid, mode, ino, size, blocks, atime, ctime, mtime, dev
        foreach (var (offset, length) in new[] { (4, 4), (16, 4), (20, 4), (24, 4), (28, 2), (32, 8), (40, 8), (48, 8), (64, 12), (96, 12), (112, 12), (136, 8) })
            ours.AsSpan(offset, length).ToArray().Should().Equal(kernel.AsSpan(offset, length).ToArray(), $"bytes {offset}..{offset + length}");
        (BinaryPrimitives.ReadUInt32LittleEndian(kernel) & StatLayout.StatxBasicStats).Should().Be(StatLayout.StatxBasicStats);
    }

    [Fact]
    public void Dirent64_matches_the_kernels_record_for_a_name()
    {
        var kernel = new byte[4096];
        int fd = Open(_dir, 0x10000 /* O_DIRECTORY */);
        long n;
        try { n = Syscall(SYS_getdents64, fd, kernel, kernel.Length); }
        finally { Close(fd); }
        n.Should().BeGreaterThan(0);
        for (int at = 0; at < n;)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(kernel.AsSpan(at + 16));
            string name = System.Text.Encoding.UTF8.GetString(kernel.AsSpan(at + 19, length - 19)).TrimEnd('\0');
            if (name == "file")
            {
                var ours = new byte[length];
                DirentLayout.TryWrite(ours, BinaryPrimitives.ReadUInt64LittleEndian(kernel.AsSpan(at)),
                    BinaryPrimitives.ReadInt64LittleEndian(kernel.AsSpan(at + 8)), FileType.Regular, "file", out int written).Should().BeTrue();
                written.Should().Be(length);
                ours.Should().Equal(kernel.AsSpan(at, length).ToArray());
                return;
            }
            at += length;
        }
        throw new InvalidOperationException("the kernel did not list the file");
    }

    /// <summary>The FileStat that describes what the kernel reported.</summary>
    private static FileStat FromKernelStat(byte[] k)
    {
        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(k.AsSpan(24));
        UnixTime Time(int at) => new(BinaryPrimitives.ReadInt64LittleEndian(k.AsSpan(at)), (uint)BinaryPrimitives.ReadInt64LittleEndian(k.AsSpan(at + 8)));
        return new FileStat
        {
            Type = (FileType)(mode & 0xF000),
            Mode = mode & 0xFFF,
            Inode = BinaryPrimitives.ReadUInt64LittleEndian(k.AsSpan(8)),
            Links = (uint)BinaryPrimitives.ReadUInt64LittleEndian(k.AsSpan(16)),
            Uid = BinaryPrimitives.ReadUInt32LittleEndian(k.AsSpan(28)),
            Gid = BinaryPrimitives.ReadUInt32LittleEndian(k.AsSpan(32)),
            Size = BinaryPrimitives.ReadInt64LittleEndian(k.AsSpan(48)),
            BlockSize = (int)BinaryPrimitives.ReadInt64LittleEndian(k.AsSpan(56)),
            AllocatedBytes = BinaryPrimitives.ReadInt64LittleEndian(k.AsSpan(64)) * 512,
            AccessTime = Time(72),
            ModifyTime = Time(88),
            ChangeTime = Time(104),
        };
    }

    private static unsafe long Syscall(long number, long a, string path, byte[] buffer, long b, long c = 0)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        fixed (byte* q = buffer)
            return number == SYS_statx ? syscall(number, a, (nint)p, c, b, (nint)q) : syscall(number, a, (nint)p, (nint)q, b, 0);
    }

    private static unsafe long Syscall(long number, int fd, byte[] buffer, long length)
    {
        fixed (byte* q = buffer) return syscall(number, fd, (nint)q, length, 0, 0);
    }

    private static int Open(string path, int flags) => open(path, flags);

    private static void Close(int fd) => close(fd);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial long syscall(long number, long a, nint b, long c, long d, nint e);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc.so.6")]
    private static partial int close(int fd);
}
