// The main thread makes getppid() while a second thread, 100 ms later, either ends the process
// (_exit(5)) or execs /bin/echo: the tracer may be busy inside the main thread's stop when that happens.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *mode;

static void *leave(void *arg)
{
    (void)arg;
    usleep(100000);
    if (!strcmp(mode, "exit")) _exit(5);
    char *argv[] = { "/bin/echo", "new image", NULL };
    execv("/bin/echo", argv);
    return NULL;
}

int main(int argc, char **argv)
{
    mode = argc > 1 ? argv[1] : "exit";
    pthread_t t;
    pthread_create(&t, NULL, leave, NULL);
    usleep(20000);
    syscall(SYS_getppid);
    pause();
    return 3;
}
