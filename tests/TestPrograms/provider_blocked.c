// Reads argv[1]/slow (a provider that blocks until the test lets it go) while two other processes run: a
// ticker that counts in argv[2]/ticks with syscalls that never stop (pwrite on a real fd, nanosleep), and a
// prober that, once the test writes G into argv[2]/control, logs "stat begins", stats a real file (a path
// syscall: it stops), and logs "stat done" to argv[2]/events.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
    struct timespec t = { 0, 1000000 };
    nanosleep(&t, NULL);
}

// Whether a file holds the letter yet, read with pread on an fd opened before: no stop.
static int holds(int fd, char letter)
{
    char text[256] = { 0 };
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    return n > 0 && memchr(text, letter, n) != NULL;
}

// A line for the test, with write(2) alone: printf's stdio may fstat, which glibc makes a path syscall (newfstatat).
static void say(int fd, const char *line)
{
    write(fd, line, strlen(line));
}

static int open_in(const char *directory, const char *name, int flags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    return open(path, flags, 0644);
}

int main(int argc, char **argv)
{
    char control_path[4096];
    snprintf(control_path, sizeof control_path, "%s/control", argv[2]);
    int control = open(control_path, O_RDONLY);
    int events = open_in(argv[2], "events", O_WRONLY | O_APPEND | O_CREAT), events_in = open_in(argv[2], "events", O_RDONLY);
    int ticks = open_in(argv[2], "ticks", O_WRONLY | O_CREAT), ticks_in = open_in(argv[2], "ticks", O_RDONLY);
    if (control < 0 || events < 0 || events_in < 0 || ticks < 0 || ticks_in < 0) { perror("open"); return 2; }

    pid_t ticker = fork();
    if (ticker == 0)
    {
        char line[32];
        for (long n = 1;; n++)
        {
            pwrite(ticks, line, snprintf(line, sizeof line, "%ld\n", n), 0);
            nap();
        }
    }
    pid_t prober = fork();
    if (prober == 0)
    {
        say(events, "prober running!\n");
        while (!holds(control, 'G')) nap();
        say(events, "stat begins\n");
        struct stat st;
        say(events, stat(control_path, &st) == 0 ? "stat done\n" : "stat failed\n");
        _exit(0);
    }
    // Both children must be running before the read blocks the tracer: a new process's first stop waits for
    // the tracer like any other stop, and would hold the child before it ran at all.
    while (!holds(events_in, '!') || !holds(ticks_in, '\n')) nap();

    char path[4096], text[16] = { 0 };
    snprintf(path, sizeof path, "%s/slow", argv[1]);
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    char line[64];
    snprintf(line, sizeof line, "read %zd: %s", n, text);
    say(events, line);
    waitpid(prober, NULL, 0);
    kill(ticker, SIGKILL);
    waitpid(ticker, NULL, 0);
    return 0;
}
