using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// Processes, threads and signals under the real tracer: small C programs (built here by gcc), python3 and
/// bash, each run on a real directory and on a mount, their outputs compared.
/// </summary>
public class ProcessesAndSignalsTests
{
    [Fact]
    public void Threads_that_open_and_read_virtual_files_right_after_creation_never_get_each_others_bytes()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "threads", """
            #include <fcntl.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/stat.h>
            #include <unistd.h>
            #define THREADS 32
            static const char *dir;
            // Every file has its own size (some larger than a region slot) and its own bytes.
            static size_t size_of(int i) { return 1 + (size_t)i * 37813 + (i % 5 == 0 ? (1 << 20) + 17 : 0); }
            static unsigned char byte_at(int i, size_t k) { return (unsigned char)(((k * 2654435761u) >> 7) ^ (i * 131)); }
            struct result { int i; size_t bytes; size_t wrong; size_t size; int pread_ok; };
            static void *reader(void *arg) {
                struct result *r = arg;
                char path[4096]; snprintf(path, sizeof path, "%s/f%02d", dir, r->i);
                int fd = open(path, O_RDONLY);
                if (fd < 0) { perror(path); return NULL; }
                struct stat st; fstat(fd, &st); r->size = st.st_size;
                size_t chunk = 1000 + r->i * 4093, k = 0;
                unsigned char *b = malloc(chunk);
                ssize_t n;
                while ((n = read(fd, b, chunk)) > 0)
                    for (ssize_t j = 0; j < n; j++, k++) r->wrong += b[j] != byte_at(r->i, k);
                r->bytes = k;
                unsigned char one;
                size_t at = size_of(r->i) / 2;
                r->pread_ok = pread(fd, &one, 1, at) == 1 && one == byte_at(r->i, at);
                free(b);
                close(fd);
                return NULL;
            }
            int main(int argc, char **argv) {
                dir = argv[2];
                if (strcmp(argv[1], "write") == 0) {
                    for (int i = 0; i < THREADS; i++) {
                        char path[4096]; snprintf(path, sizeof path, "%s/f%02d", dir, i);
                        FILE *f = fopen(path, "w");
                        for (size_t k = 0; k < size_of(i); k++) fputc(byte_at(i, k), f);
                        if (fclose(f) != 0) { perror(path); return 1; }
                    }
                    return 0;
                }
                for (int round = 0; round < 4; round++) {
                    pthread_t t[THREADS];
                    struct result r[THREADS];
                    memset(r, 0, sizeof r);
                    for (int i = 0; i < THREADS; i++) { r[i].i = i; pthread_create(&t[i], NULL, reader, &r[i]); }
                    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
                    for (int i = 0; i < THREADS; i++)
                        printf("round %d f%02d: size %zu read %zu of %zu, %zu wrong, pread %s\n", round, i, r[i].size,
                            r[i].bytes, size_of(i), r[i].wrong, r[i].pread_ok ? "ok" : "WRONG");
                }
                return 0;
            }
            """, "-pthread");
        string real = dir["real"], at = dir["m"];
        Directory.CreateDirectory(real);
        Ptfs.RunNative(program, "write", real).ExitCode.Should().Be(0);
        Ptfs.RunNative("zip", "-q", "-r", "-j", dir["files.zip"], real).ExitCode.Should().Be(0);
        var native = Ptfs.RunNative(program, "read", real);
        native.ExitCode.Should().Be(0);
        native.Stdout.Should().NotContain("WRONG").And.Contain("round 3 f31: size 1172204 read 1172204 of 1172204, 0 wrong, pread ok\n");

        var memory = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c", $"{program} write {at} && {program} read {at}");
        var passthrough = Ptfs.Run("mount", "--provider", "passthrough", "--source", real, "--at", at, "--", program, "read", at);
        var zip = Ptfs.Run("mount", "--provider", "zip", "--source", dir["files.zip"], "--at", at, "--", program, "read", at);

        foreach (var (name, run) in new[] { ("memory", memory), ("passthrough", passthrough), ("zip", zip) })
        {
            run.Stdout.Should().Be(native.Stdout, $"the {name} mount serves every thread its own file ({run.Stderr})");
            run.ExitCode.Should().Be(0);
        }
    }

    [Fact]
    public void Five_hundred_fork_and_exec_all_finish_with_their_own_exit_status()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "forkexec", """
            #include <fcntl.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            #define CHILDREN 500
            #define AT_ONCE 4
            static int sum_of(const char *path) {
                char b[256]; int fd = open(path, O_RDONLY), sum = 0;
                if (fd < 0) return -1;
                ssize_t n = read(fd, b, sizeof b);
                for (ssize_t i = 0; i < n; i++) sum += (unsigned char)b[i];
                close(fd);
                return sum;
            }
            // What child i must end with: 0 (true), 1 (false), a code from the file it read, or SIGUSR1.
            static int expected(int i, int sum) {
                switch (i % 4) {
                    case 0: return 0;
                    case 1: return 1 << 8;
                    case 2: return ((i * 7 + sum) % 256) << 8;
                    default: return SIGUSR1;
                }
            }
            int main(int argc, char **argv) {
                if (strcmp(argv[1], "child") == 0) {
                    int i = atoi(argv[2]), sum = sum_of(argv[3]);
                    if (i % 4 == 3) raise(SIGUSR1);
                    return (i * 7 + sum) % 256;
                }
                const char *file = argv[2];
                int sum = sum_of(file), wrong = 0, exits = 0, signals = 0;
                for (int first = 0; first < CHILDREN; first += AT_ONCE) {
                    pid_t pids[AT_ONCE];
                    for (int i = first; i < first + AT_ONCE; i++) {
                        char number[16]; snprintf(number, sizeof number, "%d", i);
                        pid_t pid = fork();
                        if (pid == 0) {
                            if (i % 4 == 0) execl("/bin/true", "true", (char *)NULL);
                            else if (i % 4 == 1) execl("/bin/false", "false", (char *)NULL);
                            else execl(argv[0], argv[0], "child", number, file, (char *)NULL);
                            _exit(127);
                        }
                        pids[i - first] = pid;
                    }
                    for (int i = first; i < first + AT_ONCE; i++) {
                        int status;
                        if (waitpid(pids[i - first], &status, 0) != pids[i - first]) { perror("waitpid"); return 1; }
                        if (status != expected(i, sum)) { printf("child %d: status 0x%x, not 0x%x\n", i, status, expected(i, sum)); wrong++; }
                        exits += WIFEXITED(status); signals += WIFSIGNALED(status);
                    }
                }
                printf("%d children: %d exited, %d killed by a signal, %d wrong\n", CHILDREN, exits, signals, wrong);
                return wrong != 0;
            }
            """);
        string real = dir["real"], at = dir["m"];
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "f"), "what every child reads\n");
        var native = Ptfs.RunNative(program, "parent", Path.Combine(real, "f"));
        native.Stdout.Should().Be("500 children: 375 exited, 125 killed by a signal, 0 wrong\n");

        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"echo 'what every child reads' > {at}/f && exec {program} parent {at}/f");

        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void A_thread_that_execs_or_ends_the_process_while_the_main_thread_opens_virtual_files_leaves_the_new_program_whole_and_the_log_quiet()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "threadexec", """
            #include <fcntl.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            #define CHILDREN 40
            static const char *file;
            static int execs;
            // The exec (or exit_group) kills the main thread wherever it is: often inside the tracer's work on its open.
            static void *ender(void *arg) {
                usleep(2000 + rand() % 10000);
                if (execs) execl("/bin/cat", "cat", file, (char *)NULL);
                _exit(3);
            }
            int main(int argc, char **argv) {
                file = argv[2];
                if (strcmp(argv[1], "child") == 0) {
                    srand(atoi(argv[3]));
                    execs = atoi(argv[3]) % 2 == 0;
                    pthread_t t;
                    pthread_create(&t, NULL, ender, NULL);
                    for (;;) { int fd = open(file, O_RDONLY); char b[64]; if (fd >= 0) { read(fd, b, sizeof b); close(fd); } }
                }
                int wrong = 0;
                for (int i = 0; i < CHILDREN; i++) {
                    char number[16]; snprintf(number, sizeof number, "%d", i);
                    pid_t pid = fork();
                    if (pid == 0) { execl(argv[0], argv[0], "child", file, number, (char *)NULL); _exit(127); }
                    int status;
                    waitpid(pid, &status, 0);
                    if (status != (i % 2 == 0 ? 0 : 3 << 8)) { printf("child %d: status 0x%x\n", i, status); wrong++; }
                }
                printf("%d children, %d ended wrongly\n", CHILDREN, wrong);
                return 0;
            }
            """, "-pthread");
        File.WriteAllText(dir["f"], "read by every child\n");
        var native = Ptfs.RunNative(program, "parent", dir["f"]);
        native.Stdout.Should().Be(string.Concat(Enumerable.Repeat("read by every child\n", 20)) + "40 children, 0 ended wrongly\n");

        string at = dir["m"];
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"echo 'read by every child' > {at}/f && exec {program} parent {at}/f");

        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.Stderr.Should().Be(native.Stderr, "a thread killed while the tracer works in it is no provider's failure");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void A_burst_of_thread_creation_like_a_runtime_thread_pool_does_not_deadlock_the_tracer()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "burst", """
            #include <pthread.h>
            #include <sched.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/stat.h>
            #include <unistd.h>
            #define WORKERS 64
            static const char *path;
            static int stats_ok, detached_done;
            static void *worker(void *arg) {
                struct stat st;
                if (stat(path, &st) == 0 && st.st_size == 6) __atomic_add_fetch(&stats_ok, 1, __ATOMIC_SEQ_CST);
                return NULL;
            }
            static void *leave(void *arg) { return NULL; }
            static void *leave_detached(void *arg) { __atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST); return NULL; }
            int main(int argc, char **argv) {
                path = argv[1];
                pthread_attr_t detached;
                pthread_attr_init(&detached);
                pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
                int created = 0;
                for (int round = 0; round < 5; round++) {
                    pthread_t workers[WORKERS], leavers[WORKERS], ignored;
                    // Back to back, as a thread pool starts: workers that stop in the tracer, threads that end at once.
                    for (int i = 0; i < WORKERS; i++) {
                        created += pthread_create(&workers[i], NULL, worker, NULL) == 0;
                        created += pthread_create(&leavers[i], NULL, leave, NULL) == 0;
                        created += pthread_create(&ignored, &detached, leave_detached, NULL) == 0;
                    }
                    for (int i = 0; i < WORKERS; i++) { pthread_join(workers[i], NULL); pthread_join(leavers[i], NULL); }
                }
                while (__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST) < 5 * WORKERS) sched_yield();
                printf("%d threads created, %d stats of the file right, %d detached threads ended\n", created, stats_ok, detached_done);
                return 0;
            }
            """, "-pthread");
        const string Pool = """
            import concurrent.futures, os, sys
            with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
                sizes = list(pool.map(lambda i: os.stat(sys.argv[1]).st_size + len(open(sys.argv[1]).read()), range(256)))
            print(len(sizes), set(sizes))
            """;
        string real = dir["real"], at = dir["m"];
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "f"), "hello\n");
        var native = Ptfs.RunNative("/bin/sh", "-c", $"{program} {real}/f && python3 -c '{Pool}' {real}/f");
        native.Stdout.Should().Be("960 threads created, 320 stats of the file right, 320 detached threads ended\n256 {12}\n");

        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"echo hello > {at}/f && {program} {at}/f && python3 -c '{Pool}' {at}/f");

        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Vfork_and_exec_from_a_static_binary_runs_real_programs_and_programs_in_the_mount()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "vforkexec", """
            #include <stdio.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            // vforkexec PROGRAM ARGS... [, PROGRAM ARGS...]...: each one vforked, exec'd and waited for in turn.
            int main(int argc, char **argv) {
                for (int first = 1; first < argc; ) {
                    int end = first;
                    while (end < argc && strcmp(argv[end], ",") != 0) end++;
                    argv[end < argc ? end : argc] = NULL;
                    printf("%s:\n", argv[first]);
                    fflush(stdout);
                    pid_t pid = vfork();
                    if (pid == 0) { execv(argv[first], argv + first); _exit(127); }
                    int status;
                    waitpid(pid, &status, 0);
                    printf("%s: status 0x%x\n", argv[first], status);
                    first = end + 1;
                }
                return 0;
            }
            """, "-static");
        string commands = $"""
            mkdir -p m && cp /bin/cat m/cat && cp {program} m/static && echo data in the mount > m/data
            printf '#!/bin/sh\necho script "$@"\ncat m/data\n' > m/script && chmod +x m/script
            {program} /bin/echo hello , m/cat m/data , m/script one two , m/missing , /bin/sh -c 'exit 3' , m/static m/cat m/data
            m/static /bin/echo from the static copy , m/script three
            """;

        var (native, run) = OnRealDirectoryAndMount(dir, "memory", commands);

        native.Stdout.Should().Contain("m/static: status 0x0\n").And.Contain("script three\n");
        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Posix_spawn_from_C_and_python_runs_real_programs_and_programs_in_the_mount()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "spawn", """
            #include <fcntl.h>
            #include <spawn.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            extern char **environ;
            static void run(const char *what, int search, posix_spawn_file_actions_t *actions, char *const argv[]) {
                printf("%s:\n", what);
                fflush(stdout);
                pid_t pid;
                int error = (search ? posix_spawnp : posix_spawn)(&pid, argv[0], actions, NULL, argv, environ);
                if (error != 0) { printf("%s: posix_spawn: %s\n", what, strerror(error)); return; }
                int status;
                waitpid(pid, &status, 0);
                printf("%s: status 0x%x\n", what, status);
            }
            int main(void) {
                run("real program", 0, NULL, (char *[]){ "/bin/cat", "m/data", NULL });
                run("program in the mount", 0, NULL, (char *[]){ "m/cat", "m/data", NULL });
                run("script in the mount", 0, NULL, (char *[]){ "m/script", "spawned", NULL });
                run("missing", 0, NULL, (char *[]){ "m/missing", NULL });
                setenv("PATH", "m:/usr/bin:/bin", 1); // posix_spawnp searches the caller's PATH
                run("found on PATH", 1, NULL, (char *[]){ "vcat", "m/data", NULL });
                posix_spawn_file_actions_t in, out;
                posix_spawn_file_actions_init(&in);
                posix_spawn_file_actions_addopen(&in, 0, "m/data", O_RDONLY, 0);
                run("stdin from the mount", 0, &in, (char *[]){ "/usr/bin/tr", "a-z", "A-Z", NULL });
                posix_spawn_file_actions_init(&out);
                posix_spawn_file_actions_addopen(&out, 1, "m/out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
                run("stdout into the mount", 0, &out, (char *[]){ "m/cat", "m/data", "m/data", NULL });
                run("what it wrote", 0, NULL, (char *[]){ "/bin/cat", "m/out", NULL });
                return 0;
            }
            """);
        string commands = $$"""
            mkdir -p m && cp /bin/cat m/cat && cp /bin/cat m/vcat && echo data in the mount > m/data
            printf '#!/bin/sh\necho script "$@"\ncat m/data\n' > m/script && chmod +x m/script
            {{program}}
            python3 -u - <<'PY'
            import os, subprocess
            for path, argv, env in [('/bin/cat', ['cat', 'm/data'], os.environ), ('m/cat', ['cat', 'm/data'], os.environ),
                                    ('m/script', ['script', 'python'], os.environ)]:
                print('os.posix_spawn', path, os.waitstatus_to_exitcode(os.waitpid(os.posix_spawn(path, argv, env), 0)[1]))
            os.environ['PATH'] = 'm:' + os.environ['PATH']  # posix_spawnp searches the caller's PATH
            pid = os.posix_spawnp('vcat', ['vcat', 'm/data'], os.environ)
            print('os.posix_spawnp', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            print(subprocess.run(['m/cat', 'm/data'], capture_output=True))
            print(subprocess.run(['m/script', 'subprocess'], capture_output=True))
            with open('m/data') as data:
                print(subprocess.run(['/usr/bin/tr', 'a-z', 'A-Z'], stdin=data, capture_output=True))
            print(subprocess.run('m/cat m/data | m/vcat -n', shell=True, capture_output=True))
            try:
                subprocess.run(['m/missing'])
            except FileNotFoundError as e:
                print('missing', e.errno)
            PY
            """;

        var (native, run) = OnRealDirectoryAndMount(dir, "memory", commands);

        native.Stdout.Should().Contain("what it wrote: status 0x0\n").And.Contain("missing 2\n");
        run.Stdout.Should().Be(native.Stdout, run.Stderr);
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void A_storm_of_SIGALRM_during_large_virtual_reads_loses_or_repeats_no_byte()
    {
        using var dir = new TempDir();
        string program = Compile(dir, "alarms", """
            #include <errno.h>
            #include <fcntl.h>
            #include <signal.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/time.h>
            #include <unistd.h>
            #define SIZE (64 << 20)
            #define STORM 300
            static volatile sig_atomic_t alarms, handlerReadsWrong;
            static int small = -1;
            // With a small file given, the handler reads it twice, as a handler may (pread is async-signal-safe).
            static void on_alarm(int signal) {
                alarms++;
                char b[8];
                for (int i = 0; i < 2 && small >= 0; i++) handlerReadsWrong += pread(small, b, 8, 0) != 6 || memcmp(b, "small\n", 6) != 0;
            }
            // One pass over the file in reads of every size, some larger than a region slot, each read into the
            // place its bytes belong in the stream (cleared first, so a read that copied nothing shows).
            static int pass(const char *path, unsigned char *whole, uint64_t *hash, size_t *total, long *eintr, long *shortReads) {
                static const size_t sizes[] = { 1, 777, 4096, 65536, 131072, 1 << 20, (1 << 20) + 1, (3 << 20) + 5 };
                int fd = open(path, O_RDONLY), offsetErrors = 0;
                if (fd < 0) { perror(path); exit(1); }
                memset(whole, 0, SIZE);
                size_t got = 0;
                for (size_t i = 0;; i++) {
                    size_t want = sizes[i % (sizeof sizes / sizeof *sizes)];
                    off_t before = lseek(fd, 0, SEEK_CUR);
                    ssize_t n = read(fd, whole + got, want);
                    if (n < 0 && errno == EINTR) { ++*eintr; offsetErrors += lseek(fd, 0, SEEK_CUR) != before; continue; }
                    if (n < 0) { perror("read"); exit(1); }
                    if (n == 0) break;
                    *shortReads += (size_t)n < want && before + n < SIZE;
                    offsetErrors += lseek(fd, 0, SEEK_CUR) != before + n;
                    got += n;
                    if (got > SIZE) { fprintf(stderr, "more bytes than the file has\n"); exit(1); }
                    if (alarms >= STORM) setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, NULL);
                }
                close(fd);
                uint64_t h = 0xcbf29ce484222325ull;
                for (size_t k = 0; k < SIZE / 8; k++) h = (h ^ ((uint64_t *)whole)[k]) * 0x100000001b3ull;
                *hash = h;
                *total = got;
                return offsetErrors;
            }
            int main(int argc, char **argv) {
                unsigned char *buffer = malloc(SIZE + (4 << 20));
                if (strcmp(argv[1], "write") == 0) {
                    FILE *f = fopen(argv[2], "w");
                    uint64_t x = 88172645463325252ull;
                    for (int chunk = 0; chunk < SIZE >> 20; chunk++) {
                        for (int i = 0; i < 1 << 20; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buffer[i] = x >> 32; }
                        fwrite(buffer, 1, 1 << 20, f);
                    }
                    return fclose(f) != 0;
                }
                // read FILE restart|interrupt MICROSECONDS [SMALL]: passes until STORM alarms came, then the timer stops.
                if (argc > 5 && (small = open(argv[5], O_RDONLY)) < 0) { perror(argv[5]); return 1; }
                struct sigaction action = { .sa_handler = on_alarm, .sa_flags = strcmp(argv[3], "restart") == 0 ? SA_RESTART : 0 };
                sigemptyset(&action.sa_mask);
                sigaction(SIGALRM, &action, NULL);
                memset(buffer, 1, SIZE); // its pages faulted in before the storm, which would slow that down a hundredfold
                long interval = atol(argv[4]), eintr = 0, shortReads = 0;
                struct itimerval timer = { { 0, interval }, { 0, interval } };
                setitimer(ITIMER_REAL, &timer, NULL);
                uint64_t first = 0, hash;
                size_t total, firstTotal = 0;
                int passes = 0, offsetErrors = 0, differing = 0;
                while (passes < 100 && (passes == 0 || alarms < STORM)) {
                    offsetErrors += pass(argv[2], buffer, &hash, &total, &eintr, &shortReads);
                    if (passes++ == 0) { first = hash; firstTotal = total; }
                    else differing += hash != first || total != firstTotal;
                }
                // The kernel never fails a regular file's read with EINTR; how many reads came short may differ.
                printf("%s, every %ld us%s: %zu bytes, hash %016llx, %d passes differ from the first, %d reads moved the offset wrongly, "
                    "%d handler reads wrong, EINTR %s, storm %s\n", argv[3], interval, small >= 0 ? ", handler reads" : "", firstTotal,
                    (unsigned long long)first, differing, offsetErrors, handlerReadsWrong, eintr ? "seen" : "never", alarms >= STORM ? "yes" : "too weak");
                fprintf(stderr, "%s: %d passes, %ld alarms, %ld EINTR, %ld short reads\n", argv[3], passes, (long)alarms, eintr, shortReads);
                return 0;
            }
            """);
        string Commands(string d) => $"""
            echo small > {d}/small && {program} write {d}/big && {program} read {d}/big restart 100 && {program} read {d}/big interrupt 250 &&
            {program} read {d}/big interrupt 500 {d}/small && {program} read {d}/big restart 200 {d}/small
            """;
        var native = Ptfs.RunNative("/bin/sh", "-c", Commands(dir.Path));
        native.ExitCode.Should().Be(0, native.Stderr);
        Regex.Matches(native.Stdout, "67108864 bytes, hash [0-9a-f]{16}, 0 passes differ from the first, 0 reads moved the offset wrongly, 0 handler reads wrong, EINTR never, storm yes\n")
            .Should().HaveCount(4, native.Stdout);

        string at = dir["m"];
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c", Commands(at));

        run.Stdout.Should().Be(native.Stdout, $"the file's bytes arrive once each, whatever the signals ({run.Stderr})");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Ctrl_Z_and_fg_in_an_interactive_shell_stop_and_resume_jobs_reading_virtual_files_and_the_terminal()
    {
        using var dir = new TempDir();
        string reader = Compile(dir, "reader", """
            #include <fcntl.h>
            #include <poll.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            static volatile sig_atomic_t continued;
            static void on_continue(int signal) { continued = 1; }
            static char *whole(const char *path, size_t *size) {
                int fd = open(path, O_RDONLY);
                if (fd < 0) { perror(path); exit(1); }
                size_t capacity = 1 << 16, n = 0;
                char *b = malloc(capacity);
                ssize_t r;
                while ((r = read(fd, b + n, capacity - n)) > 0)
                    if ((n += r) == capacity) b = realloc(b, capacity *= 2);
                close(fd);
                *size = n;
                return b;
            }
            // Reads FILE again and again, comparing, until a line comes from the terminal; says when it is continued.
            int main(int argc, char **argv) {
                struct sigaction action = { .sa_handler = on_continue, .sa_flags = SA_RESTART };
                sigaction(SIGCONT, &action, NULL);
                size_t size, again;
                char *first = whole(argv[1], &size);
                long wrong = 0;
                printf("reading\n");
                fflush(stdout);
                for (struct pollfd terminal = { 0, POLLIN, 0 }; poll(&terminal, 1, 0) <= 0; ) {
                    if (continued) { continued = 0; printf("continued\n"); fflush(stdout); }
                    char *b = whole(argv[1], &again);
                    wrong += again != size || memcmp(b, first, size) != 0;
                    free(b);
                }
                char line[256] = "";
                fgets(line, sizeof line, stdin);
                line[strcspn(line, "\n")] = 0;
                printf("got %s, %ld wrong reads\n", line, wrong);
                return 0;
            }
            """);
        string real = dir["real"], mounted = dir["mounted"];
        Directory.CreateDirectory(Path.Combine(real, "m"));
        Directory.CreateDirectory(mounted);
        const string Bash = "env PS1='job$ ' HISTFILE= bash --norc --noprofile -i";

        var native = JobControl(real, Bash, reader, dir["native-status"]);
        var run = JobControl(mounted, $"'{Ptfs.DotnetHostPath}' exec '{Ptfs.Dll}' mount --provider memory --at '{mounted}/m' -- {Bash}", reader, dir["status"]);

        native.Screen.Count(l => l.Contains("Stopped")).Should().Be(4, string.Join('\n', native.Screen));
        native.Screen.Should().Contain(["got done, 0 wrong reads", "status 130"]);
        run.Screen.Should().Equal(native.Screen, $"the terminal under ptfs shows:\n{string.Join('\n', run.Screen)}");
        run.Status.Should().Be("exit 0\n");
    }

    /// <summary>
    /// Types a job control session into <paramref name="shell"/> on a terminal of its own: a cat of a file and
    /// then of the terminal, and <paramref name="reader"/> reading m/big, each suspended with Ctrl-Z and brought
    /// back with fg, the reader once more ended by Ctrl-C. Each key waits for the screen the one before should
    /// give. Returns the screen before exit and the status the shell's command ended with.
    /// </summary>
    private static (string[] Screen, string Status) JobControl(string directory, string shell, string reader, string statusFile)
    {
        using var tmux = new TmuxSession(directory, "/bin/sh", "-c", $"{shell}; echo \"exit $?\" > {statusFile}");
        int prompts = 0;
        string[] Prompt(string after) => tmux.WaitFor($"prompt {++prompts} after {after}", s => s.Count(l => l.StartsWith("job$")) == prompts && s[^1] == "job$");
        string[] Last(params string[] lines) => tmux.WaitFor(string.Join(", ", lines), s => s.Length >= lines.Length && s[^lines.Length..].SequenceEqual(lines));

        Prompt("start");
        tmux.Type("seq 1 200000 > m/big && echo virtual-data > m/f && cat m/f -");
        Last("virtual-data");
        tmux.Type("before");
        Last("before", "before");
        tmux.Press("C-z");
        Prompt("Ctrl-Z in cat");
        tmux.Type("jobs");
        Prompt("jobs");
        tmux.Type("fg");
        Last("cat m/f -");
        tmux.Type("after");
        Last("after", "after");
        tmux.Press("C-d");
        Prompt("the end of cat");
        foreach (string ending in new[] { "line", "Ctrl-C" })
        {
            tmux.Type($"{reader} m/big");
            Last("reading");
            tmux.Press("C-z");
            Prompt("Ctrl-Z in the reader");
            tmux.Type("fg");
            Last("continued");
            if (ending == "line") tmux.Type("done");
            else tmux.Press("C-c");
            Prompt($"the reader's {ending}");
        }
        tmux.Type("echo status $?");
        var screen = Prompt("echo");
        tmux.Type("exit");
        tmux.WaitForEnd();
        return (screen, File.ReadAllText(statusFile));
    }

    /// <summary>
    /// <paramref name="commands"/> run by sh twice: in a directory holding a real directory m, and in one where
    /// m is a mount of <paramref name="provider"/>; both in a directory of their own, so their outputs compare.
    /// </summary>
    private static (RunResult Native, RunResult Mounted) OnRealDirectoryAndMount(TempDir dir, string provider, string commands)
    {
        string real = dir["real"], mounted = dir["mounted"];
        Directory.CreateDirectory(real);
        Directory.CreateDirectory(mounted);
        var native = Ptfs.RunNative("/bin/sh", "-c", $"cd {real} && {commands}");
        native.ExitCode.Should().Be(0, native.Stderr);
        var run = Ptfs.Run("mount", "--provider", provider, "--at", Path.Combine(mounted, "m"), "--", "/bin/sh", "-c", $"cd {mounted} && {commands}");
        return (native, run);
    }

    /// <summary>Builds <paramref name="name"/>.c in <paramref name="dir"/> and returns the program's path.</summary>
    private static string Compile(TempDir dir, string name, string source, params string[] flags)
    {
        File.WriteAllText(dir[name + ".c"], source);
        var gcc = Ptfs.RunNative("gcc", [.. flags, "-O2", "-Wall", "-o", dir[name], dir[name + ".c"]]);
        gcc.ExitCode.Should().Be(0, gcc.Stderr);
        return dir[name];
    }
}
