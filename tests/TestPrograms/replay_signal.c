// getppid(1) from main code while a SIGUSR1 handler calls getppid(2): each call must get its own decision
// even when the tracer spent the first call's stop on injections and a signal arrived meanwhile.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile long in_handler = -99;
static void on_usr1(int sig) { (void)sig; in_handler = syscall(SYS_getppid, 2); }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    long in_main = syscall(SYS_getppid, 1);
    printf("main=%ld handler=%ld\n", in_main, in_handler);
    return 0;
}
