// Memory for the transport tests. Each worker (THREADS threads; with FORK=1 also a forked child) fills a
// 64 KiB buffer with a pattern that depends on its seed, maps a page followed by an unmapped gap and a
// read-only page, then calls getppid(buf, len, gap, ro, seed): the tracer's test handler reads and writes
// those addresses with each transport. Afterwards the worker prints a checksum of what it now holds.
// With CLOSEALL=1 the process first closes every fd above 2 (close_range), as daemons do.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEN 65536
#define PAGE 4096

static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ULL; }
    return h;
}

static void *work(void *arg)
{
    long seed = (long)arg;
    unsigned char *buf = malloc(LEN);
    for (long i = 0; i < LEN; i++) buf[i] = (unsigned char)((i * 131 + seed) ^ (i >> 8));
    // [page][gap][read-only page]
    unsigned char *area = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < PAGE; i++) area[i] = (unsigned char)(i + seed);
    for (int i = 0; i < PAGE; i++) area[2 * PAGE + i] = (unsigned char)(i * 3 + seed);
    munmap(area + PAGE, PAGE);
    mprotect(area + 2 * PAGE, PAGE, PROT_READ);
    long r = syscall(SYS_getppid, buf, (long)LEN, area + PAGE, area + 2 * PAGE, seed);
    printf("seed=%ld result=%ld buf=%016llx low=%016llx ro=%016llx\n", seed, r,
           (unsigned long long)fnv(buf, LEN), (unsigned long long)fnv(area, PAGE),
           (unsigned long long)fnv(area + 2 * PAGE, PAGE));
    fflush(stdout);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    int forked = argc > 2 && atoi(argv[2]);
    if (argc > 3 && atoi(argv[3])) syscall(SYS_close_range, 3, ~0U, 0);
    pid_t child = forked ? fork() : -1;
    long base = child == 0 ? 1000 : 0;
    pthread_t t[64];
    for (int i = 0; i < threads && i < 64; i++) pthread_create(&t[i], NULL, work, (void *)(base + i));
    for (int i = 0; i < threads && i < 64; i++) pthread_join(t[i], NULL);
    if (child > 0) waitpid(child, NULL, 0);
    return 0;
}
