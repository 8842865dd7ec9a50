// Reads from fd 1000 (which does not exist: the tracer serves it) with every register the kernel preserves
// set to a known pattern, in THREADS threads at once, and checks each payload and that no preserved
// register changed. The tracer's handler fills byte i of a read of n bytes with (i * 13 + n + seed) & 0xff,
// where seed is the low byte of r8 (each thread uses its own). Prints "ok N" or the first problem.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct regs { unsigned long rbx, rbp, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14, r15; };
static const char *names[] = { "rbx", "rbp", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13", "r14", "r15" };
static const long sizes[] = { 1, 7, 100, 4096, 4097, 65536, 1 << 20 };

static long raw_read(struct regs *in, struct regs *out)
{
    long rax = 0; // SYS_read
    asm volatile(
        "push %%rbp\n\tpush %%rbx\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\tpush %%rax\n\t"
        "push %[out]\n\t"
        "mov %[in], %%r11\n\t"
        "mov 0(%%r11), %%rbx\n\tmov 8(%%r11), %%rbp\n\tmov 16(%%r11), %%rdi\n\tmov 24(%%r11), %%rsi\n\t"
        "mov 32(%%r11), %%rdx\n\tmov 40(%%r11), %%r8\n\tmov 48(%%r11), %%r9\n\tmov 56(%%r11), %%r10\n\t"
        "mov 64(%%r11), %%r12\n\tmov 72(%%r11), %%r13\n\tmov 80(%%r11), %%r14\n\tmov 88(%%r11), %%r15\n\t"
        "mov 8(%%rsp), %%rax\n\t"
        "syscall\n\t"
        "pop %%r11\n\t"
        "mov %%rbx, 0(%%r11)\n\tmov %%rbp, 8(%%r11)\n\tmov %%rdi, 16(%%r11)\n\tmov %%rsi, 24(%%r11)\n\t"
        "mov %%rdx, 32(%%r11)\n\tmov %%r8, 40(%%r11)\n\tmov %%r9, 48(%%r11)\n\tmov %%r10, 56(%%r11)\n\t"
        "mov %%r12, 64(%%r11)\n\tmov %%r13, 72(%%r11)\n\tmov %%r14, 80(%%r11)\n\tmov %%r15, 88(%%r11)\n\t"
        "add $8, %%rsp\n\t"
        "pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbx\n\tpop %%rbp\n\t"
        : "+a"(rax)
        : [in] "r"(in), [out] "r"(out)
        : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory", "cc");
    return rax;
}

static void *work(void *arg)
{
    long seed = (long)arg;
    unsigned char *buf = malloc((1 << 20) + 64);
    for (int round = 0; round < 20; round++)
        for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            long n = sizes[s];
            memset(buf, 0xee, n + 64);
            struct regs in, out;
            unsigned long *p = (unsigned long *)&in;
            for (int i = 0; i < 12; i++) p[i] = 0x0101010101010101UL * (unsigned long)(i + 1) + 0x5a;
            in.rdi = 1000; in.rsi = (unsigned long)buf; in.rdx = (unsigned long)n; in.r8 = (in.r8 & ~0xffUL) | (unsigned long)seed;
            long got = raw_read(&in, &out);
            if (got != n) { printf("seed %ld: read %ld returned %ld\n", seed, n, got); exit(1); }
            for (long i = 0; i < n; i++)
                if (buf[i] != (unsigned char)(i * 13 + n + seed)) { printf("seed %ld: read %ld byte %ld wrong\n", seed, n, i); exit(1); }
            if (buf[n] != 0xee) { printf("seed %ld: read %ld wrote past the end\n", seed, n); exit(1); }
            unsigned long *q = (unsigned long *)&out;
            for (int i = 0; i < 12; i++)
                if (q[i] != p[i]) { printf("seed %ld: read %ld clobbered %s\n", seed, n, names[i]); exit(1); }
        }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    pthread_t t[64];
    for (int i = 0; i < threads && i < 64; i++) pthread_create(&t[i], NULL, work, (void *)(long)i);
    for (int i = 0; i < threads && i < 64; i++) pthread_join(t[i], NULL);
    printf("ok %d\n", threads);
    return 0;
}
