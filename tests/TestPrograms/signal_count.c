// Counts SIGUSR1 deliveries around one getppid call, so a test can check that a signal raised while the
// tracer works inside the stop is delivered exactly once, after the syscall.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t delivered;
static void on_usr1(int sig) { (void)sig; delivered++; }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    long result = syscall(SYS_getppid);
    for (int i = 0; i < 1000 && !delivered; i++) usleep(1000);
    printf("result=%ld delivered=%d\n", result, (int)delivered);
    return 0;
}
