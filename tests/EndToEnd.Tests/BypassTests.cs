using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>Ways around the VFS a program could take: each gets a defined errno, and the program goes on.</summary>
public class BypassTests
{
    [Fact]
    public void Io_uring_and_32_bit_syscalls_get_ENOSYS_and_the_program_goes_on()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["bypass.c"], """
            #include <stdio.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            #include <errno.h>
            #include <string.h>
            int main(void) {
                char params[120];
                memset(params, 0, sizeof params);
                long ring = syscall(425 /* io_uring_setup */, 4, params);
                printf("io_uring_setup %ld %s\n", ring, ring < 0 ? strerror(errno) : "fd");
                fflush(stdout);
                long result;
                __asm__ volatile ("int $0x80" : "=a"(result) : "a"(20L /* i386 getpid */) : "memory");
                printf("int 0x80 getpid %ld\n", result);
                puts("alive");
                return 0;
            }
            """);
        Ptfs.RunNative("gcc", "-o", dir["bypass"], dir["bypass.c"]).ExitCode.Should().Be(0);

        var native = Ptfs.RunNative(dir["bypass"]);
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", dir["m"], "--", dir["bypass"]);

        run.Stdout.Should().StartWith("io_uring_setup -1 Function not implemented\n");
        if (native.ExitCode == 0)
        {
            run.Stdout.Should().EndWith("int 0x80 getpid -38\nalive\n", "the filter answers 32-bit syscalls with ENOSYS");
            run.ExitCode.Should().Be(0);
        }
        else
        {
            // A kernel without IA32 emulation faults int 0x80 before any filter sees it: the same under ptfs.
            run.ExitCode.Should().Be(native.ExitCode);
        }
    }
}
