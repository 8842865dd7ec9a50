// N calls of one kind, timed by the program itself (clock_gettime is vDSO: no syscall), nanoseconds per
// call on stdout. Under ptfs with FILE in a mount, each call is one served syscall: the figure to set beside
// reftracer's.
//   loops lseek FILE N         lseek(fd, 0, SEEK_CUR) on one fd of FILE
//   loops pread FILE N SIZE    pread of SIZE bytes at offset 0
//   loops stat FILE N          stat(FILE): a path to read, a struct to write back (what ls -l and du do)
//   loops getxattr FILE N      getxattr(FILE, "user.none"): a path and a name to read, ENODATA (ls -l's ACL probe)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static long call(const char *mode, const char *path, int fd, char *buffer, long size)
{
    struct stat st;
    if (strcmp(mode, "lseek") == 0) return lseek(fd, 0, SEEK_CUR) == 0 ? 0 : -1;
    if (strcmp(mode, "pread") == 0) return pread(fd, buffer, size, 0) == size ? 0 : -1;
    if (strcmp(mode, "stat") == 0) return stat(path, &st) == 0 && st.st_size > 0 ? 0 : -1;
    if (strcmp(mode, "getxattr") == 0) return getxattr(path, "user.none", buffer, size) < 0 && errno == ENODATA ? 0 : -1;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: loops lseek|pread|stat|getxattr FILE N [SIZE]\n"); return 2; }
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) { perror(argv[2]); return 1; }
    long n = atol(argv[3]), size = argc > 4 ? atol(argv[4]) : 1;
    char *buffer = malloc(size);
    const char *mode = argv[1];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; i++)
        if (call(mode, argv[2], fd, buffer, size)) { fprintf(stderr, "%s: unexpected result (%s)\n", mode, strerror(errno)); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.0f\n", ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / n);
    return 0;
}
