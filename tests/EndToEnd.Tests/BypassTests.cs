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

    [Fact]
    public void Children_cloned_with_CLONE_UNTRACED_are_followed_anyway_and_a_nested_tracer_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["clone.c"], """
            #define _GNU_SOURCE
            #include <sched.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/wait.h>
            #include <unistd.h>
            #include <fcntl.h>
            static char stack[1 << 16];
            static int child(void *arg) { int fd = open((char *)arg, O_RDONLY); char b[64] = {0}; int n = fd < 0 ? -1 : read(fd, b, 63); printf("child read %d: %s", n, n > 0 ? b : "\n"); fflush(stdout); return 0; }
            int main(int argc, char **argv) {
                pid_t pid = clone(child, stack + sizeof stack, CLONE_UNTRACED | SIGCHLD, argv[1]);
                if (pid < 0) { perror("clone"); return 1; }
                int status; waitpid(pid, &status, 0);
                printf("parent: child status 0x%x\n", status);
                return 0;
            }
            """);
        File.WriteAllText(dir["clone3.c"], """
            #define _GNU_SOURCE
            #include <linux/sched.h>
            #include <sched.h>
            #include <signal.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/syscall.h>
            #include <sys/wait.h>
            #include <unistd.h>
            #include <fcntl.h>
            int main(int argc, char **argv) {
                struct clone_args args;
                memset(&args, 0, sizeof args);
                args.flags = CLONE_UNTRACED;
                args.exit_signal = SIGCHLD;
                long pid = syscall(SYS_clone3, &args, sizeof args);
                if (pid == 0) {
                    int fd = open(argv[1], O_RDONLY); char b[64] = {0}; int n = fd < 0 ? -1 : read(fd, b, 63);
                    printf("clone3 child read %d: %s", n, n > 0 ? b : "\n"); fflush(stdout); _exit(0);
                }
                int status; waitpid(pid, &status, 0);
                printf("parent: child status 0x%x, flags still 0x%llx\n", status, (unsigned long long)args.flags);
                return 0;
            }
            """);
        Ptfs.RunNative("gcc", "-o", dir["clone"], dir["clone.c"]).ExitCode.Should().Be(0);
        Ptfs.RunNative("gcc", "-o", dir["clone3"], dir["clone3.c"]).ExitCode.Should().Be(0);
        string at = dir["m"];

        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"echo virtual > {at}/f && {dir["clone"]} {at}/f && {dir["clone3"]} {at}/f && strace -o /dev/null true; echo \"strace: $?\"");

        run.Stdout.Should().Be("child read 8: virtual\nparent: child status 0x0\nclone3 child read 8: virtual\nparent: child status 0x0, flags still 0x800000\nstrace: 1\n");
        run.Stderr.Should().Contain("PTRACE_TRACEME: Operation not permitted", "a traced process cannot be traced again; strace says so and ends");
    }
}
