// timeit FILE PROGRAM [ARGS...]: runs PROGRAM and appends its wall time in nanoseconds to FILE, so that a
// benchmark times only the workload, not the tool (ptfs, proot, strace) that starts it.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: timeit FILE PROGRAM [ARGS...]\n"); return 2; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid == 0) { execvp(argv[2], argv + 2); perror(argv[2]); _exit(127); }
    int status;
    if (waitpid(pid, &status, 0) < 0) { perror("waitpid"); return 3; }
    clock_gettime(CLOCK_MONOTONIC, &end);
    FILE *out = fopen(argv[1], "a");
    if (!out) { perror(argv[1]); return 3; }
    fprintf(out, "%lld\n", (long long)(end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec));
    fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
