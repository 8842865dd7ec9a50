using PtFs.Interceptor.Native;

namespace PtFs.Interceptor.Region;

/// <summary>
/// Maps the shared region into a tracee by injected syscalls: open the tracer's memfd through
/// /proc/TRACER/fd/N, map the stub page R-X and the slots RW at the fixed address, close the fd.
/// No fd stays behind, so nothing the program does to its fds (close_range, close-all loops, dup2 over
/// it, reading /proc/self/fd) can touch the region.
/// </summary>
internal static class RegionInstaller
{
    private const int SYS_mmap = 9, SYS_close = 3;

    public static bool MapInto(SyscallContext tracee, SharedRegion region, out string? problem)
    {
        long fd = tracee.OpenTracerFile(region.Fd, Constants.O_RDWR | Constants.O_CLOEXEC);
        if (fd == -Constants.EFAULT)
        {
            problem = "no writable stack below the red zone";
            return false;
        }
        if (fd < 0)
        {
            problem = $"opening the region's memfd failed: {Errno.Describe((int)-fd)}";
            return false;
        }
        const int flags = Constants.MAP_SHARED | Constants.MAP_FIXED_NOREPLACE;
        long code = tracee.Inject(SYS_mmap, RegionLayout.TraceeAddress, RegionLayout.CodeSize,
            Constants.PROT_READ | Constants.PROT_EXEC, flags, (ulong)fd, 0);
        long data = tracee.Inject(SYS_mmap, RegionLayout.TraceeAddress + RegionLayout.CodeSize, (ulong)(RegionLayout.Size - RegionLayout.CodeSize),
            Constants.PROT_READ | Constants.PROT_WRITE, flags, (ulong)fd, RegionLayout.CodeSize);
        tracee.Inject(SYS_close, (ulong)fd);

        bool mapped = (ulong)code == RegionLayout.TraceeAddress && (ulong)data == RegionLayout.TraceeAddress + RegionLayout.CodeSize;
        problem = mapped ? null : $"mapping at the fixed address failed (code {Describe(code)}, slots {Describe(data)})";
        return mapped;
    }

    private static string Describe(long result) => result < 0 && result > -4096 ? Errno.Name((int)-result) : $"0x{result:x}";
}
