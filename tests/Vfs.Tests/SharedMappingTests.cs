using System.Text;
using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>
/// Shared mappings of virtual files through their page cache, without ptrace: a store is a write into the
/// file the VFS handed the fake process to map.
/// </summary>
public class SharedMappingTests
{
    private const long O_RDONLY = 0, O_RDWR = 2, O_APPEND = 0x400, AT_FDCWD = -100;
    private const long PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2;
    private const int EACCES = 13, EINVAL = 22, ENODEV = 19, EOVERFLOW = 75;
    private static readonly string Digits = string.Concat(Enumerable.Repeat("0123456789", 1000));
    private readonly MemoryProvider _provider = new();
    private readonly VirtualFileSystem _vfs;
    private readonly FakeProcess _process;

    public SharedMappingTests()
    {
        var mounts = new MountTable();
        mounts.Add("/m", _provider, "memory");
        _vfs = new VirtualFileSystem(mounts);
        _process = new FakeProcess(_vfs, 100);
        long fd = Open(_process, "/m/digits", O_RDWR | 0x40);
        _process.Call(Sys.write, fd, (long)_process.Put(Encoding.ASCII.GetBytes(Digits)), Digits.Length).Should().Be(Digits.Length);
        _process.Call(Sys.close, fd).Should().Be(0);
    }

    [Fact]
    public void Stores_are_read_back_at_once_and_reach_the_provider_when_the_process_exits()
    {
        long fd = Open(_process, "/m/digits", O_RDWR);
        var mapping = Map(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 4096, length: 8192);
        _process.Call(Sys.close, fd).Should().Be(0, "a mapping outlives its fd");
        mapping.Store(4096, "STORED"u8);

        ReadAt(_process, "/m/digits", 4096, 10).Should().Be("STORED2345", "read(2) sees what a shared mapping stored");
        InProvider(4096, 10).Should().Be("6789012345", "nothing was written back yet");
        _vfs.ProcessExited(100);
        InProvider(4096, 10).Should().Be("STORED2345");
        InProvider(0, 10).Should().Be("0123456789", "pages outside the mapping were never touched");
    }

    [Fact]
    public void Writes_and_truncation_through_fds_show_in_the_mapping()
    {
        long reader = Open(_process, "/m/digits", O_RDONLY);
        var mapping = Map(_process, reader, PROT_READ, MAP_SHARED, offset: 0, length: 16384);
        long writer = Open(_process, "/m/digits", O_RDWR);
        _process.Call(Sys.pwrite64, writer, (long)_process.Put("written"u8.ToArray()), 7, 20).Should().Be(7);
        Text(mapping, 20, 7).Should().Be("written");

        _process.Call(Sys.pwrite64, writer, (long)_process.Put("tail"u8.ToArray()), 4, 12000).Should().Be(4);
        mapping.Length.Should().Be(12004, "the file grew: the mapping reaches the new end");
        _process.Call(Sys.ftruncate, writer, 30).Should().Be(0);
        mapping.Length.Should().Be(30, "touching past the new end is SIGBUS, as on disk");
        _process.Call(Sys.ftruncate, writer, 100).Should().Be(0);
        Text(mapping, 25, 10).Should().Be("en789" + new string('\0', 5), "a file cut and grown again has zeros where it was cut");
    }

    [Fact]
    public void A_mapping_only_read_writes_nothing_back_and_undoes_no_change_made_elsewhere()
    {
        _provider.GetAttributes("/digits", out var before).Should().Be(Errno.Ok);
        long fd = Open(_process, "/m/digits", O_RDWR);
        long mapped = MapFd(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 16384);
        _provider.Open("/digits", OpenFlags.ReadWrite, out var other).Should().Be(Errno.Ok);
        _provider.Write(other, 0, "changed elsewhere"u8, out _).Should().Be(Errno.Ok); // another mount of the same files, say
        _provider.Release(other);
        _provider.GetAttributes("/digits", out before).Should().Be(Errno.Ok);
        _process.Call(Sys.msync, FakeProcess.AddressOf(mapped), 16384, 4).Should().Be(0);
        _vfs.ProcessExited(100);
        _provider.GetAttributes("/digits", out var after).Should().Be(Errno.Ok);
        after.ModifyTime.Should().Be(before.ModifyTime, "unchanged bytes are not written back");
        InProvider(0, 17).Should().Be("changed elsewhere", "a change the cache did not see is not undone");
    }

    [Fact]
    public void Msync_writes_back_and_a_forked_child_keeps_the_cache_after_its_parent_exits()
    {
        long fd = Open(_process, "/m/digits", O_RDWR);
        long mapped = MapFd(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 4096);
        var mapping = (FakeSharedFile)_process.Shared[mapped];
        mapping.Store(0, "A"u8);
        _process.Call(Sys.msync, FakeProcess.AddressOf(mapped) + 8192, 4096, 4).Should().Be(0);
        InProvider(0, 2).Should().Be("01", "msync of another range writes nothing");
        _process.Call(Sys.msync, FakeProcess.AddressOf(mapped), 4096, 4).Should().Be(0);
        InProvider(0, 2).Should().Be("A1");

        _vfs.ProcessStarted(200, 100);
        _vfs.ProcessExited(100);
        mapping.Store(1, "B"u8); // the child's store: the mapping is the same memory
        InProvider(0, 3).Should().Be("A12", "the child still maps it: its stores are written back when it goes");
        var child = new FakeProcess(_vfs, 200);
        ReadAt(child, "/m/digits", 0, 3).Should().Be("AB2");
        _vfs.ProcessExited(200);
        InProvider(0, 3).Should().Be("AB2");
    }

    [Fact]
    public void A_private_mapping_of_a_file_mapped_shared_sees_its_stores()
    {
        long fd = Open(_process, "/m/digits", O_RDWR);
        var shared = Map(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 4096);
        shared.Store(0, "xyz"u8);
        var copy = Map(_process, fd, PROT_READ, MAP_PRIVATE, offset: 0, length: 4096);
        Text(copy, 0, 4).Should().Be("xyz3");
    }

    [Fact]
    public void Writable_shared_mappings_need_an_fd_that_may_write_and_errnos_come_in_the_kernel_s_order()
    {
        long reader = Open(_process, "/m/digits", O_RDONLY);
        _process.Call(Sys.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, reader, 0).Should().Be(-EACCES);
        _process.Call(Sys.mmap, 0, 0, PROT_READ | PROT_WRITE, MAP_SHARED, reader, 0).Should().Be(-EINVAL, "a length of 0 is checked first");
        _process.Call(Sys.mmap, 0, 4096, PROT_READ, MAP_SHARED, reader, -4096).Should().Be(-EOVERFLOW);
        _process.Call(Sys.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, reader, 0).Should().NotBe(-EACCES, "private stores stay private");
        long appender = Open(_process, "/m/digits", O_RDWR | O_APPEND);
        _process.Call(Sys.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, appender, 0).Should().BeGreaterThanOrEqualTo(0, "O_APPEND binds write(2), not mappings");
        long directory = Open(_process, "/m", O_RDONLY);
        _process.Call(Sys.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, directory, 0).Should().Be(-EACCES, "the write check comes before ENODEV");
        _process.Call(Sys.mmap, 0, 4096, PROT_READ, MAP_SHARED, directory, 0).Should().Be(-ENODEV);
    }

    [Fact]
    public void A_process_sharing_the_address_space_keeps_the_mapping_when_the_one_that_made_it_exits()
    {
        _vfs.ProcessStarted(200, 100, sharesMemory: true); // vfork, clone(CLONE_VM)
        var child = new FakeProcess(_vfs, 200) { KernelFds = [.. _process.KernelFds] };
        long fd = Open(child, "/m/digits", O_RDWR);
        var mapping = Map(child, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 4096);
        _vfs.ProcessExited(200);
        mapping.Store(0, "P"u8); // the parent's store, in the mapping the child made
        ReadAt(_process, "/m/digits", 0, 2).Should().Be("P1");
        _vfs.ProcessExited(100);
        InProvider(0, 2).Should().Be("P1");
    }

    [Fact]
    public void Closing_the_last_fd_of_a_file_no_process_maps_any_more_writes_back_and_drops_the_cache()
    {
        long fd = Open(_process, "/m/digits", O_RDWR);
        var mapping = Map(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 4096);
        mapping.Store(0, "Q"u8);
        mapping.Mapped = false; // munmap
        _process.Call(Sys.close, fd).Should().Be(0);
        InProvider(0, 2).Should().Be("Q1", "the cache went at the close, and its stores with it");
        _process.Call(Sys.flock, Open(_process, "/m/digits", O_RDONLY), 2 | 4).Should().Be(0, "no lock outlives the mapping");
    }

    [Fact]
    public void Munmap_writes_back_and_a_file_mapped_no_more_lets_go_of_its_cache()
    {
        long fd = Open(_process, "/m/digits", O_RDWR);
        long mapped = MapFd(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 4096, length: 8192);
        var mapping = (FakeSharedFile)_process.Shared[mapped];
        mapping.Store(4096, "U"u8);
        mapping.Mapped = false;
        _process.Call(Sys.munmap, FakeProcess.AddressOf(mapped), 8192).Should().Be(0);
        InProvider(4096, 2).Should().Be("U7");
        mapping.Disposed.Should().BeTrue("no process maps the file any more: its cache let go");
        ReadAt(_process, "/m/digits", 4096, 2).Should().Be("U7");
    }

    [Fact]
    public void Stores_past_the_end_of_the_file_never_become_file_data()
    {
        long fd = Open(_process, "/m/small", O_RDWR | 0x40);
        _process.Call(Sys.write, fd, (long)_process.Put("0123456789"u8.ToArray()), 10).Should().Be(10);
        var mapping = Map(_process, fd, PROT_READ | PROT_WRITE, MAP_SHARED, offset: 0, length: 4096);
        mapping.Store(100, "Z"u8); // within the last page, past the end: the kernel lets the program store there
        _process.Call(Sys.pwrite64, fd, (long)_process.Put("end"u8.ToArray()), 3, 200).Should().Be(3);
        ReadAt(_process, "/m/small", 100, 1).Should().Be("\0", "POSIX: modified bytes past the end are never written out");
    }

    private static long Open(FakeProcess process, string path, long flags) =>
        process.Call(Sys.openat, AT_FDCWD, (long)process.Put(path), flags, 0x1A4);

    private static FakeSharedFile Map(FakeProcess process, long fd, long protection, long flags, long offset, long length) =>
        (FakeSharedFile)process.Shared[MapFd(process, fd, protection, flags, offset, length)];

    private static long MapFd(FakeProcess process, long fd, long protection, long flags, long offset, long length)
    {
        long mapped = process.Call(Sys.mmap, 0, length, protection, flags, fd, offset);
        mapped.Should().BeGreaterThanOrEqualTo(0);
        return mapped;
    }

    private static string ReadAt(FakeProcess process, string path, long offset, int count)
    {
        long fd = Open(process, path, O_RDONLY);
        ulong buffer = process.Alloc(count);
        long n = process.Call(Sys.pread64, fd, (long)buffer, count, offset);
        process.Call(Sys.close, fd);
        return Encoding.ASCII.GetString(process.Bytes(buffer, (int)n));
    }

    private static string Text(Mapping.ISharedFile file, long offset, int count)
    {
        var bytes = new byte[count];
        return Encoding.ASCII.GetString(bytes, 0, file.Read(offset, bytes));
    }

    private string InProvider(long offset, int count)
    {
        _provider.Open("/digits", OpenFlags.ReadOnly, out var handle).Should().Be(Errno.Ok);
        var bytes = new byte[count];
        _provider.Read(handle, offset, bytes, out int n).Should().Be(Errno.Ok);
        _provider.Release(handle);
        return Encoding.ASCII.GetString(bytes, 0, n);
    }
}
