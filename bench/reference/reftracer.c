// The physical floor of this machine for what PtFs does per syscall, measured the way PtFs would be:
// a minimal C tracer with the same mechanisms and nothing else (no VFS, no allocation, no logging).
//
//   reftracer native  getppid N        N getppid calls, untraced
//   reftracer filtered getppid N       the same under a seccomp filter that allows everything, untraced: the
//                                      entry cost every seccomp-bpf tool adds to the syscalls it lets through
//   reftracer emulate getppid N        one seccomp stop each; the tracer answers (orig_rax = -1, rax = result)
//   reftracer poll getppid N           the same, with a tracer that polls waitpid for 30 us before it sleeps, as
//                                      PtFs's does (on a VM, waking a sleeping tracer on the other vCPU is dear)
//   reftracer native  read N SIZE      N reads of SIZE bytes from /dev/zero, untraced
//   reftracer filtered read N SIZE     the same under the allow-everything filter
//   reftracer emulate read N SIZE      N reads of SIZE bytes from fd 1000, which does not exist: one stop
//                                      each, the tracer writes SIZE bytes with process_vm_writev
//   reftracer poll read N SIZE         the same with the polling tracer
//
// The tracee times its own loop (clock_gettime is vDSO: no syscall, no stop) and prints nanoseconds per
// call on stdout, after checking every answer it got.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

enum { VIRTUAL_FD = 1000, ANSWER = 4242 };

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void install_filter(int nr, int only_fd)
{
    struct sock_filter trace_getppid[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_filter trace_read_of_fd[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, only_fd, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = only_fd < 0
        ? (struct sock_fprog){ sizeof trace_getppid / sizeof *trace_getppid, trace_getppid }
        : (struct sock_fprog){ sizeof trace_read_of_fd / sizeof *trace_read_of_fd, trace_read_of_fd };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program)) { perror("seccomp"); exit(3); }
}

// The measured loop; returns nonzero when an answer was wrong.
static int run_loop(int reading, long n, long size, int fd, char *buffer)
{
    double start = now_ns();
    for (long i = 0; i < n; i++)
    {
        if (!reading)
        {
            long r = syscall(SYS_getppid);
            if (fd == VIRTUAL_FD && r != ANSWER) return 1;
        }
        else
        {
            long r = read(fd, buffer, size);
            if (r != size || buffer[size - 1] != (fd == VIRTUAL_FD ? (char)(size & 0x7f) : 0)) return 1;
        }
    }
    printf("%.0f\n", (now_ns() - start) / n);
    return 0;
}

// A filter that lets every syscall through: the kernel's seccomp action cache answers it without running it.
static void allow_everything(void)
{
    struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
    struct sock_fprog program = { 1, allow };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program)) { perror("seccomp"); exit(3); }
}

static int tracee(int reading, long n, long size, int emulated)
{
    char *buffer = malloc(size > 0 ? size : 1);
    int fd = reading && !emulated ? open("/dev/zero", O_RDONLY) : emulated ? VIRTUAL_FD : -1;
    if (emulated)
    {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0)) { perror("PTRACE_TRACEME"); return 3; }
        raise(SIGSTOP); // the tracer sets its options, then lets us install the filter
        install_filter(reading ? SYS_read : SYS_getppid, reading ? VIRTUAL_FD : -1);
    }
    if (run_loop(reading, n, size, fd, buffer)) { fprintf(stderr, "BAD ANSWER\n"); return 1; }
    return 0;
}

static void serve(pid_t pid, int reading)
{
    static char pattern[1 << 24];
    struct user_regs_struct regs;
    ptrace(PTRACE_GETREGS, pid, 0, &regs);
    long result = ANSWER;
    if (reading)
    {
        size_t size = regs.rdx < sizeof pattern ? regs.rdx : sizeof pattern;
        pattern[size - 1] = (char)(size & 0x7f);
        struct iovec local = { pattern, size }, remote = { (void *)regs.rsi, size };
        result = process_vm_writev(pid, &local, 1, &remote, 1, 0);
        if (result < 0) result = -errno;
    }
    regs.orig_rax = -1; // skip the syscall: the answer is ours
    regs.rax = result;
    ptrace(PTRACE_SETREGS, pid, 0, &regs);
}

// The next stop: polled for up to poll_ns first, then waited for.
static pid_t next_stop(pid_t pid, int *status, double poll_ns)
{
    if (poll_ns > 0)
    {
        double until = now_ns() + poll_ns;
        do
        {
            pid_t r = waitpid(pid, status, WNOHANG);
            if (r != 0) return r;
        } while (now_ns() < until);
    }
    return waitpid(pid, status, 0);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: reftracer native|filtered|emulate|poll getppid|read N [SIZE]\n"); return 2; }
    double poll_ns = strcmp(argv[1], "poll") == 0 ? 30000 : 0;
    int emulated = strcmp(argv[1], "emulate") == 0 || poll_ns > 0, reading = strcmp(argv[2], "read") == 0;
    long n = atol(argv[3]), size = argc > 4 ? atol(argv[4]) : 1;
    if (strcmp(argv[1], "filtered") == 0) allow_everything();
    if (!emulated) return tracee(reading, n, size, 0);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) exit(tracee(reading, n, size, 1));
    int status;
    waitpid(pid, &status, 0); // its SIGSTOP
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
    ptrace(PTRACE_CONT, pid, 0, 0);
    for (;;)
    {
        if (next_stop(pid, &status, poll_ns) < 0) return 3;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        int signal = 0;
        if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) serve(pid, reading);
        else if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP) signal = WSTOPSIG(status);
        ptrace(PTRACE_CONT, pid, 0, signal);
    }
}
