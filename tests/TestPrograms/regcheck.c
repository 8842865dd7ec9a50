// Makes syscall NR (argv[1]) with every register the kernel preserves set to a known pattern, then
// reports the result and which of those registers came back changed. Only rax, rcx and r11 may change.
#include <stdio.h>
#include <stdlib.h>

struct regs { unsigned long rbx, rbp, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14, r15; };
static const char *names[] = { "rbx", "rbp", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13", "r14", "r15" };
static struct regs before, after;

static long probe(long nr)
{
    asm volatile(
        "push %%rbp\n\tpush %%rbx\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\t"
        "lea before(%%rip), %%r11\n\t"
        "mov 0(%%r11), %%rbx\n\tmov 8(%%r11), %%rbp\n\tmov 16(%%r11), %%rdi\n\tmov 24(%%r11), %%rsi\n\t"
        "mov 32(%%r11), %%rdx\n\tmov 40(%%r11), %%r8\n\tmov 48(%%r11), %%r9\n\tmov 56(%%r11), %%r10\n\t"
        "mov 64(%%r11), %%r12\n\tmov 72(%%r11), %%r13\n\tmov 80(%%r11), %%r14\n\tmov 88(%%r11), %%r15\n\t"
        "syscall\n\t"
        "lea after(%%rip), %%r11\n\t"
        "mov %%rbx, 0(%%r11)\n\tmov %%rbp, 8(%%r11)\n\tmov %%rdi, 16(%%r11)\n\tmov %%rsi, 24(%%r11)\n\t"
        "mov %%rdx, 32(%%r11)\n\tmov %%r8, 40(%%r11)\n\tmov %%r9, 48(%%r11)\n\tmov %%r10, 56(%%r11)\n\t"
        "mov %%r12, 64(%%r11)\n\tmov %%r13, 72(%%r11)\n\tmov %%r14, 80(%%r11)\n\tmov %%r15, 88(%%r11)\n\t"
        "pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbx\n\tpop %%rbp\n\t"
        : "+a"(nr)
        :
        : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory", "cc");
    return nr;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: regcheck NR\n"); return 2; }
    unsigned long *b = (unsigned long *)&before;
    for (int i = 0; i < 12; i++) b[i] = 0x0101010101010101UL * (unsigned long)(i + 1) + 0x5a;
    long result = probe(atol(argv[1]));
    printf("result=%ld clobbered=", result);
    unsigned long *a = (unsigned long *)&after;
    int any = 0;
    for (int i = 0; i < 12; i++)
        if (a[i] != b[i]) { printf("%s%s", any ? "," : "", names[i]); any = 1; }
    printf("%s\n", any ? "" : "none");
    return 0;
}
