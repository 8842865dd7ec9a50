// The tracee of bench/PtFs.Bench.
// `benchlab mem SIZE`: fills SIZE bytes and calls getppid(buf, SIZE) once; the benchmark pauses it there
// and moves memory in and out of buf for as long as it measures. Exits when getppid returns.
// `benchlab read SIZE`: reads SIZE bytes from fd 1000 (which does not exist: the tracer serves it, in as
// many short reads as it likes), again and again, until a read returns 0 or fails.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: benchlab mem|read SIZE\n"); return 2; }
    long size = atol(argv[2]);
    unsigned char *buf = malloc(size);
    for (long i = 0; i < size; i++) buf[i] = (unsigned char)(i * 131);
    if (strcmp(argv[1], "mem") == 0) return syscall(SYS_getppid, buf, size) == 0 ? 0 : 1;
    for (;;)
    {
        long got = 0;
        while (got < size)
        {
            long r = read(1000, buf + got, size - got);
            if (r <= 0) return r == 0 ? 0 : 1;
            got += r;
        }
    }
}
