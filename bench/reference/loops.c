// loops lseek FILE N | loops pread FILE N SIZE: N calls on one fd of FILE, timed by the program itself
// (clock_gettime is vDSO: no syscall), nanoseconds per call on stdout. Under ptfs with FILE in a mount,
// each call is one served syscall: the figure to set beside reftracer's.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: loops lseek|pread FILE N [SIZE]\n"); return 2; }
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) { perror(argv[2]); return 1; }
    long n = atol(argv[3]), size = argc > 4 ? atol(argv[4]) : 1;
    char *buffer = malloc(size);
    int seeking = strcmp(argv[1], "lseek") == 0;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; i++)
    {
        long r = seeking ? lseek(fd, 0, SEEK_CUR) : pread(fd, buffer, size, 0);
        if (r != (seeking ? 0 : size)) { fprintf(stderr, "unexpected result %ld\n", r); return 1; }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.0f\n", ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / n);
    return 0;
}
