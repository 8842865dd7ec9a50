using FluentAssertions;
using PtFs.Providers.Memory;
using PtFs.Vfs.Dispatch;
using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mounts;
using Xunit;

namespace PtFs.Vfs.Tests;

/// <summary>openat2's struct open_how, checked as the kernel's build_open_flags and copy_struct_from_user do.</summary>
public class OpenHowTests
{
    private const ulong O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
        O_CLOEXEC = 0x80000, O_PATH = 0x200000, O_TMPFILE = 0x410000, BareTmpFile = 0x400000;

    [Theory]
    [InlineData(0UL, 0UL, 0UL, Errno.Ok)]
    [InlineData(O_RDWR | O_CLOEXEC, 0UL, 0x3FUL, Errno.EINVAL)]            // RESOLVE_BENEATH with RESOLVE_IN_ROOT
    [InlineData(O_RDWR | O_CLOEXEC, 0UL, 0x2FUL, Errno.Ok)]
    [InlineData(0UL, 0UL, 0x40UL, Errno.EINVAL)]                           // a resolve flag this kernel does not know
    [InlineData(1UL << 32, 0UL, 0UL, Errno.EINVAL)]                        // open(2) would drop it, openat2 refuses
    [InlineData(0x4UL, 0UL, 0UL, Errno.EINVAL)]
    [InlineData(0x800000UL, 0UL, 0UL, Errno.EINVAL)]
    [InlineData(0UL, 0x1A4UL, 0UL, Errno.EINVAL)]                          // a mode, and nothing to create
    [InlineData(O_WRONLY | O_CREAT, 0xFFFUL, 0UL, Errno.Ok)]
    [InlineData(O_WRONLY | O_CREAT, 0x1000UL, 0UL, Errno.EINVAL)]          // more than permission bits
    [InlineData(O_RDWR | O_TMPFILE, 0x180UL, 0UL, Errno.Ok)]
    [InlineData(O_TMPFILE, 0x180UL, 0UL, Errno.EINVAL)]                    // read-only
    [InlineData(O_RDWR | BareTmpFile, 0x180UL, 0UL, Errno.EINVAL)]         // without O_DIRECTORY
    [InlineData(O_CREAT | O_DIRECTORY, 0UL, 0UL, Errno.EINVAL)]
    [InlineData(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0UL, 0UL, Errno.Ok)]
    [InlineData(O_PATH | O_RDWR, 0UL, 0UL, Errno.EINVAL)]
    [InlineData(O_CREAT, 0UL, 0x20UL, Errno.EAGAIN)]                       // RESOLVE_CACHED would have to wait
    [InlineData(O_RDWR | O_TRUNC, 0UL, 0x20UL, Errno.EAGAIN)]
    [InlineData(O_RDWR | O_TMPFILE, 0UL, 0x20UL, Errno.EAGAIN)]
    [InlineData(O_CREAT, 0UL, 0x60UL, Errno.EINVAL)]                       // EINVAL comes first
    public void Flags_mode_and_resolve_are_checked_as_the_kernel_does(ulong flags, ulong mode, ulong resolve, Errno expected) =>
        new OpenHow(flags, mode, (ResolveFlags)resolve).Validate().Should().Be(expected);

    [Theory]
    [InlineData(0, false, Errno.EINVAL)]
    [InlineData(23, false, Errno.EINVAL)]
    [InlineData(24, false, Errno.Ok)]
    [InlineData(32, false, Errno.Ok)]
    [InlineData(32, true, Errno.E2BIG)]     // a newer struct's field this kernel does not know, set
    [InlineData(4096, false, Errno.Ok)]
    [InlineData(4097, false, Errno.E2BIG)]  // more than a page
    public void The_size_says_which_struct_the_program_has(int size, bool tailSet, Errno expected)
    {
        var mounts = new MountTable();
        mounts.Add("/m", new MemoryProvider(), "memory");
        var process = new FakeProcess(new VirtualFileSystem(mounts), 100);
        var how = new byte[4200];
        if (tailSet) how[31] = 1;
        long fd = process.Call(Sys.openat2, -100, (long)process.Put("/m"), (long)process.Put(how), size);
        if (expected == Errno.Ok) fd.Should().BeGreaterThanOrEqualTo(VirtualFileSystem.VirtualFdFloor);
        else fd.Should().Be(-(long)expected);
    }
}
