using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>Open file descriptions and descriptor tables with the kernel's semantics, without ptrace.</summary>
public class DescriptorTests
{
    private const long O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_CLOEXEC = 0x80000, O_APPEND = 0x400, AT_FDCWD = -100;
    private readonly CountingProvider _provider = new();
    private readonly VirtualFileSystem _vfs;
    private readonly FakeProcess _parent;

    public DescriptorTests()
    {
        var mounts = new MountTable();
        mounts.Add("/m", _provider, "memory");
        _vfs = new VirtualFileSystem(mounts);
        _parent = new FakeProcess(_vfs, 100);
        long fd = _parent.Call(Sys.openat, AT_FDCWD, (long)_parent.Put("/m/digits"), O_WRONLY | O_CREAT, 0x1A4);
        _parent.Call(Sys.write, fd, (long)_parent.Put("0123456789"u8.ToArray()), 10).Should().Be(10);
        _parent.Call(Sys.close, fd).Should().Be(0);
    }

    [Fact]
    public void A_dup_shares_the_offset_and_the_file_is_released_after_the_last_close()
    {
        long fd = Open(_parent, "/m/digits", O_RDONLY);
        long copy = _parent.Call(Sys.dup, fd);
        copy.Should().NotBe(fd);
        Read(_parent, fd, 3).Should().Be("012");
        Read(_parent, copy, 3).Should().Be("345", "dup shares the open file description");
        _parent.Call(Sys.close, fd).Should().Be(0);
        _provider.Released.Should().Be(1, "only the handle made by the setup was released so far");
        Read(_parent, copy, 10).Should().Be("6789");
        _parent.Call(Sys.close, copy).Should().Be(0);
        _provider.Released.Should().Be(2);
    }

    [Fact]
    public void A_forked_child_shares_open_files_but_has_its_own_table()
    {
        long fd = Open(_parent, "/m/digits", O_RDONLY);
        _vfs.ProcessStarted(200, 100);
        var child = new FakeProcess(_vfs, 200) { KernelFds = [.. _parent.KernelFds] };
        Read(child, fd, 4).Should().Be("0123");
        Read(_parent, fd, 2).Should().Be("45", "fork shares the offset");
        child.Call(Sys.close, fd).Should().Be(0);
        Read(_parent, fd, 10).Should().Be("6789", "the parent's descriptor is still open");
        _vfs.ProcessExited(200);
        _vfs.ProcessExited(100);
        _provider.Released.Should().Be(2);
    }

    [Fact]
    public void Exec_closes_only_close_on_exec_descriptors()
    {
        long keep = Open(_parent, "/m/digits", O_RDONLY);
        long drop = Open(_parent, "/m/digits", O_RDONLY | O_CLOEXEC);
        _parent.Call(Sys.fcntl, keep, 1 /* F_GETFD */).Should().Be(0);
        _parent.Call(Sys.fcntl, drop, 1 /* F_GETFD */).Should().Be(1);
        _vfs.ProcessExecuted(100);
        Read(_parent, keep, 2).Should().Be("01");
        _parent.Call(Sys.read, drop, (long)_parent.Alloc(4), 4).Should().Be(0, "a closed virtual fd is the kernel's again (here: a stub)");
    }

    [Fact]
    public void Append_writes_at_the_end_and_F_SETFL_can_turn_it_on()
    {
        long fd = Open(_parent, "/m/digits", O_WRONLY);
        _parent.Call(Sys.fcntl, fd, 4 /* F_SETFL */, O_APPEND).Should().Be(0);
        (_parent.Call(Sys.fcntl, fd, 3 /* F_GETFL */) & O_APPEND).Should().Be(O_APPEND);
        _parent.Call(Sys.write, fd, (long)_parent.Put("ab"u8.ToArray()), 2).Should().Be(2);
        long reader = Open(_parent, "/m/digits", O_RDONLY);
        Read(_parent, reader, 20).Should().Be("0123456789ab");
    }

    [Fact]
    public void A_real_fd_duplicated_onto_a_virtual_number_replaces_it()
    {
        long fd = Open(_parent, "/m/digits", O_RDONLY);
        _parent.Call(Sys.dup2, 1, fd).Should().Be(fd);
        _parent.Call(Sys.read, fd, (long)_parent.Alloc(4), 4).Should().Be(0, "the kernel's fd now; the VFS let it through");
        _provider.Released.Should().Be(2);
    }

    [Fact]
    public void A_directory_with_a_mount_point_inside_cannot_be_renamed_and_other_mounts_files_stay_put()
    {
        var mounts = new MountTable();
        mounts.Add("/m", new MemoryProvider(), "memory");
        mounts.Add("/m/sub/inner", new MemoryProvider(), "memory");
        var vfs = new VirtualFileSystem(mounts);
        var process = new FakeProcess(vfs, 300);
        process.Call(Sys.mkdir, (long)process.Put("/m/sub"), 0x1ED).Should().Be(0);
        process.Call(Sys.mkdir, (long)process.Put("/m/other"), 0x1ED).Should().Be(0);
        process.Call(Sys.close, Open(process, "/m/sub/inner/x", O_WRONLY | O_CREAT)).Should().Be(0);
        long inner = Open(process, "/m/sub/inner", O_RDONLY);

        process.Call(Sys.rename, (long)process.Put("/m/sub"), (long)process.Put("/m/sub2")).Should().Be(-(long)Errno.EBUSY);
        process.Call(Sys.rename, (long)process.Put("/m/other"), (long)process.Put("/m/moved")).Should().Be(0);
        process.Call(Sys.openat, inner, (long)process.Put("x"), O_RDONLY, 0).Should().BeGreaterThanOrEqualTo(0, "the inner mount's fd still names its directory");
    }

    [Fact]
    public void Renaming_one_hard_link_onto_another_does_nothing()
    {
        _parent.Call(Sys.link, (long)_parent.Put("/m/digits"), (long)_parent.Put("/m/twin")).Should().Be(0);
        long fd = Open(_parent, "/m/digits", O_RDONLY);
        _parent.Call(Sys.rename, (long)_parent.Put("/m/digits"), (long)_parent.Put("/m/twin")).Should().Be(0);
        _parent.Call(Sys.access, (long)_parent.Put("/m/digits"), 0).Should().Be(0, "both names stay");
        ulong link = _parent.Alloc(64);
        long n = _parent.Call(Sys.readlink, (long)_parent.Put($"/proc/self/fd/{fd}"), (long)link, 64);
        System.Text.Encoding.ASCII.GetString(_parent.Bytes(link, (int)n)).Should().Be("/m/digits", "nothing moved");
    }

    [Fact]
    public void O_TMPFILE_looks_the_directory_up_before_it_is_refused()
    {
        const long O_RDWR = 2, O_TMPFILE = 0x410000;
        Open(_parent, "/m/nothing", O_TMPFILE | O_RDWR).Should().Be(-(long)Errno.ENOENT);
        Open(_parent, "/m/digits", O_TMPFILE | O_RDWR).Should().Be(-(long)Errno.ENOTDIR);
        Open(_parent, "/m", O_TMPFILE | O_RDWR).Should().Be(-(long)Errno.EOPNOTSUPP, "no provider makes a file without a name");
    }

    private static long Open(FakeProcess process, string path, long flags) =>
        process.Call(Sys.openat, AT_FDCWD, (long)process.Put(path), flags, 0);

    private static string Read(FakeProcess process, long fd, int count)
    {
        ulong buffer = process.Alloc(count);
        long n = process.Call(Sys.read, fd, (long)buffer, count);
        n.Should().BeGreaterThanOrEqualTo(0);
        return System.Text.Encoding.ASCII.GetString(process.Bytes(buffer, (int)n));
    }

    /// <summary>A memory provider that counts releases.</summary>
    private sealed class CountingProvider : MemoryProvider
    {
        public int Released { get; private set; }

        public override void Release(FileHandle handle) => Released++;
    }
}
