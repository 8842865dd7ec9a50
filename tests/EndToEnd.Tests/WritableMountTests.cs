using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// Real programs on a mount, compared with the same commands on a real directory; each provider that
/// serves a writable tree runs them all.
/// </summary>
public abstract class WritableMountTests
{
    // ls -l without directory sizes and times (filesystems differ there, programs do not care).
    private const string LongListing = "ls -lR a | grep -v '^total' | awk '{ if ($1 ~ /^d/) print $1, $2, $NF; else print $1, $2, $5, $NF }'";

    [Fact]
    public void Files_directories_and_links() => Check($$"""
        mkdir -p a/b/c && echo one > a/f1 && printf 'two\n' > a/b/f2
        ln -s f1 a/link && ln a/f1 a/hard && ln -s missing a/dangling
        cat a/link; readlink a/link a/dangling
        stat -c '%n %s %F %a %h' a/f1 a/hard a/link a/b a/b/c
        cat a/dangling; echo "dangling=$?"
        {{LongListing}}
        ls -1a a
        test -d a/b && test -f a/f1 && test -L a/link && test ! -e a/dangling && echo tests-ok
        """);

    [Fact]
    public void Find_and_checksums() => Check("""
        mkdir -p d/x/y d/z && for i in 1 2 3; do seq $i 5000 > d/x/y/n$i; done && head -c 100000 /etc/services > d/z/s
        find . | sort
        find . -type f -exec sha256sum {} + | sort
        find d -type d | sort; find d -name 'n*' | sort; find d -newer d/x/y/n1 -type f | wc -l
        du -a --apparent-size d | sort -k2
        """);

    [Fact]
    public void Moving_and_removing() => Check("""
        mkdir -p a/b && echo x > a/b/f && echo y > a/g
        mv a/b/f a/f2 && mv a/g a/b/ && ls -1R a
        rmdir a 2>&1; echo "rmdir=$?"
        rm a/nothing 2>&1; echo "rm=$?"
        mkdir a 2>&1; echo "mkdir=$?"
        rm -r a/b && ls -1 a
        mkdir -p e/f/g && touch e/f/g/h && rm -rf e a && ls -A; echo "left=$?"
        mkdir -p p/q && (cd p/q && rm -r ../../p; echo "rm-own-cwd=$?"; cd ../.. && ls -A)
        """);

    [Fact]
    public void Working_directory_and_relative_paths() => Check("""
        mkdir -p d/e && echo top > f && echo inner > d/e/g
        cd d/e && pwd && cat g ../../f && ls .. && cd .. && pwd && cat e/g
        cd "$ROOT" && sh -c 'cd d && pwd && cat e/g'
        cd /tmp && cd - >/dev/null && pwd
        """);

    [Fact]
    public void Shell_redirections() => Check("""
        echo hi > f; echo more >> f; cat f
        cat < f; sha256sum < f; wc -l < f
        ls nothing > out 2>&1; cat out
        exec 3< f; read -r line <&3; echo "read: $line"; cat <&3; exec 3<&-
        exec 4> g; echo four >&4; exec 4>&-; cat g
        { echo a; echo b; } > h; cat h
        seq 1 400000 > big; sha256sum < big; sha256sum big; cat big | sha256sum; wc -c < big
        """);

    [Fact]
    public void Copy_and_archive() => Check("""
        mkdir -p a/b && seq 1 20000 > a/b/n && echo x > a/x && ln -s b/n a/l
        cp -a a c && find c | sort && cat c/l | tail -1
        tar cf - a | (mkdir t && tar xf - -C t) && diff -r a t/a && echo same
        tar cf a.tar a && tar tf a.tar | sort && mkdir u && tar xf a.tar -C u && find u -type f -exec sha256sum {} + | sort
        """);

    [Fact]
    public void Python_os_pathlib_shutil() => Check("""
        python3 - <<'PY'
        import os, pathlib, shutil
        root = pathlib.Path('.')
        (root / 'p' / 'q').mkdir(parents=True)
        (root / 'p' / 'a.txt').write_text('alpha\n' * 1000)
        (root / 'p' / 'q' / 'b.bin').write_bytes(bytes(range(256)) * 64)
        shutil.copytree('p', 'r')
        os.rename('r/a.txt', 'r/c.txt')
        print(sorted(os.listdir('r')), sorted(p.name for p in pathlib.Path('r').rglob('*')))
        print(os.stat('r/c.txt').st_size, os.path.getsize('r/q/b.bin'), os.path.isdir('r/q'))
        with open('p/a.txt', 'r+') as f:
            f.seek(6); f.write('BETA\n'); f.seek(0); print(f.readline().strip(), f.readline().strip())
        with open('p/a.txt', 'ab') as f:
            f.write(b'end')
        print(os.path.getsize('p/a.txt'), open('p/a.txt').read()[-4:])
        os.truncate('p/a.txt', 3); print(open('p/a.txt').read())
        for dirpath, dirnames, filenames in sorted(os.walk('.')):
            print(dirpath, sorted(dirnames), sorted(filenames))
        shutil.rmtree('p'); print(os.path.exists('p'))
        try:
            os.rmdir('r')
        except OSError as e:
            print(type(e).__name__, e.errno)
        PY
        """);

    [Fact]
    public void Edge_cases_found_in_review() => Check("""
        echo data > f; mkdir d
        python3 - <<'PY'
        import os, fcntl, termios, struct, errno as E
        def t(name, f):
            try: print(name, f())
            except OSError as e: print(name, E.errorcode[e.errno])
        fd = os.open('f', os.O_RDONLY)
        t('fionread', lambda: struct.unpack('i', fcntl.ioctl(fd, termios.FIONREAD, b'\0\0\0\0'))[0])
        t('fioclex', lambda: (fcntl.ioctl(fd, termios.FIOCLEX), fcntl.fcntl(fd, fcntl.F_GETFD))[1])
        t('tcgets', lambda: fcntl.ioctl(fd, termios.TCGETS, bytes(64)) and 'ok')
        w = os.open('f', os.O_WRONLY); os.lseek(w, 100, 0); t('write0', lambda: (os.write(w, b''), os.stat('f').st_size))
        t('rdonly_trunc', lambda: (os.close(os.open('f', os.O_RDONLY | os.O_TRUNC)), os.stat('f').st_size))
        t('creat_dir', lambda: os.open('g', os.O_CREAT | os.O_DIRECTORY | os.O_RDONLY, 0o644))
        t('mkdir_file_slash', lambda: os.mkdir('f/'))
        t('rmdir_dotdot', lambda: os.rmdir('d/..'))
        t('rename_slash', lambda: os.rename('f', 'nf/'))
        t('symlink_slash', lambda: os.symlink('x', 's/'))
        t('listdir_fd', lambda: sorted(os.listdir(f'/proc/self/fd/{os.open(".", os.O_RDONLY)}/')))
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        bad = ctypes.c_void_p(8)  # the kernel answers EFAULT; the copy stub must not crash the program instead
        print('bad_read', libc.pread(fd, bad, 4, ctypes.c_long(0)), E.errorcode.get(ctypes.get_errno()))
        os.lseek(fd, 1, 0); print('bad_read_offset', libc.read(fd, bad, 3), os.lseek(fd, 0, 1))
        open('r1', 'w').write('one'); h = os.open('r1', os.O_RDONLY); os.rename('r1', 'r2'); open('r1', 'w').write('new')
        os.fchmod(h, 0o600); print('fchmod_follows', oct(os.stat('r2').st_mode & 0o777), oct(os.stat('r1').st_mode & 0o777))
        os.unlink('r2'); t('fchmod_unlinked', lambda: os.fchmod(h, 0o640)); t('futimens_unlinked', lambda: os.utime(h, (1, 2)))
        os.mkdir('dd'); open('dd/x', 'w').close(); dfd = os.open('dd', os.O_RDONLY); os.rename('dd', 'ee')
        print('listdir_moved', sorted(os.listdir(dfd)))
        PY
        umask 077; echo y > "$ROOT/../ptfs-plain-$$" && chmod 644 "$ROOT/../ptfs-plain-$$"
        cp -p "$ROOT/../ptfs-plain-$$" b && mv "$ROOT/../ptfs-plain-$$" c && sed -i s/y/z/ c && ls -l b c | cut -c1-10; cat c
        """);

    [Fact]
    public void Permissions_for_a_program_that_is_not_root() => Check("""
        mkdir open && chmod 777 open && echo secret > private && chmod 600 private && echo pub > public && chmod 644 public
        mkdir sticky && chmod 1777 sticky && echo x > sticky/rootfile && chmod 666 sticky/rootfile
        mkdir locked && chmod 700 locked && echo in > locked/f && echo w > pub-w && chmod 666 pub-w
        setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '
          cat private; echo "cat=$?"; cat public
          (echo y > public) 2>&1; echo "write=$?"
          touch new; echo "create=$?"
          touch open/mine && echo created && chmod 600 open/mine && echo chmod-own
          rm sticky/rootfile; echo "sticky=$?"
          chmod 777 public; echo "chmod=$?"
          mkdir d; echo "mkdir=$?"
          cat locked/f; echo "search=$?"
          cd locked; echo "cd=$?"
          test -w public; echo "w=$?"; test -r private; echo "r=$?"; test -r public; echo "r=$?"
          mv public open/; echo "mv=$?"
          ls open sticky
          cd open && (umask 077; echo s > secret) && ls -l secret | cut -c1-10
          touch -d 2001-01-01 ../public; echo "touch-explicit=$?"; touch ../pub-w; echo "touch-now=$?"
          chmod 2755 mine; ls -l mine | cut -c1-10
          ln ../private hard 2>&1; echo "ln=$?"; ln ../pub-w hard-w; echo "ln-w=$?"
          stat -c %n ../locked/. 2>&1; echo "dot=$?"
          python3 - <<PY
        import os
        os.chown("../public", -1, -1)
        print("chown-nothing ok")
        PY
        ' 2>&1
        chown 65534 open/mine && capsh --drop=cap_dac_override,cap_dac_read_search,cap_fowner -- -c 'cat open/mine; echo "root-without-dac=$?"; chmod 600 open/mine; echo "chmod=$?"' 2>&1
        """);

    [Fact]
    public void Renames_carry_open_directories_and_working_directories() => Check("""
        mkdir -p m1/sub && echo X > m1/sub/x && echo F > file
        python3 - <<'PY'
        import os
        dfd = os.open('m1', os.O_RDONLY); sub = os.open('m1/sub', os.O_PATH); f = os.open('file', os.O_RDONLY)
        os.rename('m1', 'm2'); os.rename('file', 'm2/moved')
        print('openat', os.read(os.open('sub/x', os.O_RDONLY, dir_fd=dfd), 9))
        print('o_path', os.read(os.open('x', os.O_RDONLY, dir_fd=sub), 9))
        print('links', [os.readlink(f'/proc/self/fd/{n}').replace(os.getcwd(), '.') for n in (dfd, sub, f)])
        os.fchdir(sub); print('fchdir', os.getcwd().endswith('/m2/sub'))
        os.chdir('..'); os.rename('../m2', '../m3'); print('cwd', os.getcwd().endswith('/m3'), sorted(os.listdir('.')))
        print('relative', open('sub/x').read().strip(), open('moved').read().strip())
        PY
        """);

    [Fact]
    public void Mmap_of_virtual_files_and_dlopen_of_a_library_built_into_the_mount() => Check("""
        printf 'int answer(void) { return 42; }\n' > lib.c && gcc -shared -fPIC -o libanswer.so lib.c && echo built
        seq 1 10000 > nums
        python3 - <<'PY'
        import mmap, ctypes, os
        f = open('nums', 'rb'); m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ); print(m[:10], len(m), m[-6:], m.find(b'5000\n'))
        print('answer', ctypes.CDLL(os.path.abspath('libanswer.so')).answer())
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        ro = os.open('nums', os.O_RDONLY)
        p = libc.mmap(None, 4096, 3, 1, ro, 0); print('shared writable on read-only fd', p == 2**64 - 1, os.strerror(ctypes.get_errno()))
        p = libc.mmap(None, 4096, 1, 2, ro, 1 << 20); print('private past the end maps', p != 2**64 - 1)
        PY
        python3 -c "
        import ctypes, os
        libc = ctypes.CDLL(None); libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        p = libc.mmap(None, 8192, 1, 2, os.open('lib.c', os.O_RDONLY), 0)
        print(ctypes.string_at(p, 5), flush=True); ctypes.string_at(p + 4096, 1)"
        echo "touching past the end: status $?"
        """);

    [Fact]
    public void Shared_mappings_see_and_make_every_change_and_stores_outlive_the_process() => Check("""
        python3 - <<'PY'
        import mmap, os, signal
        def say(*a): print(*a, flush=True)
        with open('data', 'wb') as f: f.write(b'0123456789' * 1000)
        fd = os.open('data', os.O_RDWR)
        m = mmap.mmap(fd, 0)
        m[0:5] = b'HELLO'
        say('read sees a store', open('data', 'rb').read(12))
        os.pwrite(fd, b'WRITTEN', 100); say('the mapping sees a write', m[100:107])
        m.flush(); say('after msync', os.pread(fd, 7, 0))
        pid = os.fork()
        if pid == 0:
            m[200:205] = b'CHILD'; os._exit(0)
        os.waitpid(pid, 0); say('a child stores', m[200:205], os.pread(fd, 5, 200))
        r = mmap.mmap(os.open('data', os.O_RDONLY), 0, prot=mmap.PROT_READ); say('read-only shared', r[0:5], r[100:107]); r.close()
        os.ftruncate(fd, 5000); say('after truncate', len(open('data', 'rb').read()))
        pid = os.fork()
        if pid == 0:
            m[9000]  # a page past the new end of the file
            os._exit(0)
        say('touching past the end: SIGBUS', os.waitpid(pid, 0)[1] & 0x7f == signal.SIGBUS)
        os.close(fd)
        say('after close', m[0:5])
        PY
        python3 -c "import mmap, os; m = mmap.mmap(os.open('data', os.O_RDWR), 0); m[1000:1004] = b'EXIT'"
        od -c -j 996 -N 12 data; sha256sum data
        python3 -c "import mmap, os; mmap.mmap(os.open('data', os.O_RDONLY), 0, flags=mmap.MAP_SHARED, prot=mmap.PROT_WRITE)" 2>&1 | tail -1
        """);

    [Fact]
    public void Shared_mappings_belong_to_the_address_space_and_leave_no_lock_behind() => Check("""
        cat > vm.c <<'C'
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <sched.h>
        #include <signal.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/file.h>
        #include <sys/mman.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static char *map;
        static char stack[1 << 16];
        static int child(void *arg) { int fd = open("f", O_RDWR); map = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); map[0] = 'C'; close(fd); return 0; }
        int main(void) {
            int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644); write(fd, "0123456789", 10); close(fd);
            pid_t pid = clone(child, stack + sizeof stack, CLONE_VM | SIGCHLD, 0);
            waitpid(pid, 0, 0);
            map[1] = 'P';
            char b[11] = {0}; fd = open("f", O_RDWR); pread(fd, b, 10, 0); printf("after the CLONE_VM child exited: %s\n", b);
            pwrite(fd, "W", 1, 5); printf("the mapping sees a write: %.10s\n", map);
            msync(map, 4096, MS_SYNC); munmap(map, 4096);
            flock(fd, LOCK_EX); char *again = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); again[2] = 'L'; munmap(again, 4096); close(fd);
            fd = open("f", O_RDONLY); printf("flock after munmap and close: %d\n", flock(fd, LOCK_EX | LOCK_NB)); close(fd);
            fd = open("f", O_RDWR | O_APPEND); char *appending = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            printf("shared writable through O_APPEND: %s\n", appending == MAP_FAILED ? strerror(errno) : "mapped"); appending[3] = 'A';
            return 0;
        }
        C
        gcc -o vm vm.c && ./vm && cat f; echo
        """);

    [Fact]
    public void Sqlite_in_wal_mode_shares_its_index_between_connections_and_processes() => Check("""
        sqlite3 w.db "pragma journal_mode=wal; create table t(a, b); with recursive c(x) as (select 1 union all select x+1 from c where x < 5000) insert into t select x, 'row ' || x from c;"
        python3 - <<'PY'
        import sqlite3, os
        a = sqlite3.connect('w.db'); b = sqlite3.connect('w.db')
        a.execute("insert into t values (1, 'x')"); a.commit()
        print(b.execute('select count(*) from t').fetchone(), flush=True)
        b.execute('pragma mmap_size=268435456'); b.execute("insert into t values (2, 'y')"); b.commit()
        print(a.execute('select count(*), sum(a) from t').fetchone(), flush=True)
        pid = os.fork()
        if pid == 0:
            c = sqlite3.connect('w.db'); c.execute("insert into t values (3, 'z')"); c.commit(); os._exit(0)
        os.waitpid(pid, 0)
        print(a.execute('select count(*), sum(a), max(b) from t').fetchone(), flush=True)
        PY
        ls w.db*
        sqlite3 w.db "pragma integrity_check; select count(*), sum(a) from t; pragma wal_checkpoint(truncate);"
        ls w.db*
        """);

    [Fact]
    public void Programs_and_scripts_run_from_the_mount() => Check("""
        cp /bin/echo ./myecho && ./myecho hello from a copied binary
        cat > p.c <<'C'
        #include <stdio.h>
        int answer(void);
        int main(int c, char **v) { printf("%s %d %d\n", v[0], c, answer()); return 0; }
        C
        printf 'int answer(void) { return 42; }\n' > lib.c && gcc -shared -fPIC -o libanswer.so lib.c && gcc -o prog p.c -L. -lanswer
        LD_LIBRARY_PATH=. ./prog a b && (cd .. && LD_LIBRARY_PATH="$OLDPWD" "$OLDPWD/prog" | sed "s|$OLDPWD|DIR|")
        printf '#include <stdio.h>\nint main(int c, char **v) { printf("%%s: %%d args\\n", v[0], c); return 0; }\n' > args.c
        gcc -static -o static args.c && ./static 1 2 && gcc -static-pie -o static-pie args.c && ./static-pie 3 && gcc -no-pie -o nopie args.c && ./nopie
        printf '#!/bin/sh\necho "script $0 $*"\n' > s.sh && chmod +x s.sh && ./s.sh x y && sh -c './s.sh z'
        printf '#!/usr/bin/env python3\nimport sys; print("py", sys.argv)\n' > py && chmod +x py && ./py 1 2
        printf '#!/bin/sh -e\necho "with an argument: $0"\n' > a.sh && chmod +x a.sh && ./a.sh
        printf 'echo no shebang\n' > plain && chmod +x plain && ./plain
        printf '#!./myecho interp-arg\n' > viaecho && chmod +x viaecho && ./viaecho tail
        chmod -x prog; ./prog 2>&1; echo "not executable: $?"
        mkdir dir; ./dir 2>&1; echo "a directory: $?"
        ./missing 2>&1; echo "missing: $?"
        python3 -c "import subprocess; print(subprocess.run(['./myecho', 'via', 'subprocess'], capture_output=True).stdout)"
        cp "$(command -v readlink)" rl && ./rl /proc/self/exe && python3 -c "import os; os.execv('./rl', ['rl', '/proc/self/exe'])"
        printf '#!myecho relative interpreter\n' > r.sh && chmod +x r.sh && ./r.sh
        seq 1 30000 | xargs ./s.sh | wc -c
        head -c 3000 ./myecho > t && chmod +x t && ./t 2>/dev/null; echo "truncated binary: $?"
        python3 -c "import os; os.execve(os.open('myecho', os.O_PATH), ['e', 'fexecve of an O_PATH fd'], {})"
        cp "$(command -v cat)" ./mycat
        python3 - <<'PY'
        import subprocess, os, errno
        def t(name, f):
            try: f(); print(name, 'ok', flush=True)
            except OSError as e: print(name, errno.errorcode[e.errno], flush=True)
        p = subprocess.Popen(['./mycat'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        p.stdin.write(b'running\n'); p.stdin.flush(); print(p.stdout.readline(), flush=True)
        t('open a running program for writing', lambda: open('mycat', 'ab'))
        t('truncate it', lambda: os.truncate('mycat', 0))
        t('open it for reading', lambda: open('mycat', 'rb').close())
        p.stdin.close(); p.wait()
        t('open it for writing once it ended', lambda: open('mycat', 'ab').close())
        w = open('mycat', 'ab')
        t('run a program open for writing', lambda: subprocess.run(['./mycat', '/dev/null']))
        w.close()
        t('run it once closed', lambda: subprocess.run(['./mycat', '/dev/null']))
        PY
        """);

    [Fact]
    public void Locks_between_processes() => Check("""
        python3 - <<'PY'
        import os, fcntl, struct, signal, time, errno as E
        def say(*a): print(*a, flush=True)
        def t(name, f):
            try: say(name, f())
            except OSError as e: say(name, E.errorcode[e.errno])
        def child(f):
            pid = os.fork()
            if pid == 0:
                try: f()
                except TimeoutError: say(' child timed out'); os._exit(2)
                except OSError as e: say(' child', E.errorcode[e.errno]); os._exit(1)
                os._exit(0)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        def flk(kind, start, length, pid=0): return struct.pack('hhxxxxqqixxxx', kind, 0, start, length, pid)
        def getlk(fd, kind, start, length, cmd=fcntl.F_GETLK):
            k, w, s, l, p = struct.unpack('hhxxxxqqixxxx', fcntl.fcntl(fd, cmd, flk(kind, start, length)))
            return k, s, l, 'parent' if p == os.getppid() else p
        open('f', 'w').write('x' * 100)
        a = os.open('f', os.O_RDWR)
        fcntl.flock(a, fcntl.LOCK_EX)
        say('flock other ofd', child(lambda: fcntl.flock(os.open('f', os.O_RDONLY), fcntl.LOCK_SH | fcntl.LOCK_NB)))
        say('flock same ofd', child(lambda: fcntl.flock(a, fcntl.LOCK_EX | fcntl.LOCK_NB)))
        b = os.open('f', os.O_RDONLY)
        t('flock same process other ofd', lambda: fcntl.flock(b, fcntl.LOCK_SH | fcntl.LOCK_NB))
        fcntl.flock(a, fcntl.LOCK_SH); t('shared with shared', lambda: fcntl.flock(b, fcntl.LOCK_SH | fcntl.LOCK_NB))
        os.close(b); fcntl.flock(a, fcntl.LOCK_UN)
        t('flock bad operation', lambda: fcntl.flock(a, 3))
        fcntl.lockf(a, fcntl.LOCK_EX, 80, 0)
        fcntl.lockf(a, fcntl.LOCK_UN, 20, 30)
        say('getlk', child(lambda: say(' ', getlk(os.open('f', os.O_RDONLY), fcntl.F_RDLCK, 0, 0), getlk(os.open('f', os.O_RDONLY), fcntl.F_RDLCK, 40, 0), getlk(os.open('f', os.O_RDONLY), fcntl.F_RDLCK, 5, 10))))
        say('setlk conflict', child(lambda: fcntl.lockf(os.open('f', os.O_RDWR), fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 60)))
        say('setlk free range', child(lambda: fcntl.lockf(os.open('f', os.O_RDWR), fcntl.LOCK_SH | fcntl.LOCK_NB, 5, 35)))
        say('own process never conflicts', fcntl.lockf(os.open('f', os.O_RDWR), fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0))
        c = os.open('f', os.O_RDONLY); os.close(c)
        say('closing any fd releases', child(lambda: fcntl.lockf(os.open('f', os.O_RDWR), fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)))
        r = os.open('f', os.O_RDONLY)
        t('write lock on read-only fd', lambda: fcntl.fcntl(r, fcntl.F_SETLK, flk(fcntl.F_WRLCK, 0, 1)))
        t('bad type', lambda: fcntl.fcntl(r, fcntl.F_SETLK, flk(7, 0, 1)))
        t('negative start', lambda: fcntl.fcntl(r, fcntl.F_SETLK, flk(fcntl.F_RDLCK, -5, 1)))
        t('ofd with pid', lambda: fcntl.fcntl(r, fcntl.F_OFD_SETLK, flk(fcntl.F_RDLCK, 0, 1, pid=1)))
        fcntl.fcntl(a, fcntl.F_OFD_SETLK, flk(fcntl.F_WRLCK, 50, 10))
        t('ofd against posix, same process', lambda: fcntl.lockf(os.open('f', os.O_RDWR), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 55))
        say('ofd getlk', child(lambda: say(' ', getlk(os.open('f', os.O_RDONLY), fcntl.F_WRLCK, 0, 0, fcntl.F_OFD_GETLK))))
        fcntl.fcntl(a, fcntl.F_OFD_SETLK, flk(fcntl.F_UNLCK, 0, 0))
        fcntl.lockf(a, fcntl.LOCK_EX, 10, 0)
        ready_r, ready_w = os.pipe()
        def waiter():
            fd = os.open('f', os.O_RDWR); os.write(ready_w, b'1')
            fcntl.lockf(fd, fcntl.LOCK_EX, 10, 0); say(' child got the lock')
        pid = os.fork()
        if pid == 0:
            waiter(); os._exit(0)
        os.read(ready_r, 1); time.sleep(0.3); say('parent releases'); fcntl.lockf(a, fcntl.LOCK_UN, 10, 0)
        say('waiter', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        fcntl.flock(a, fcntl.LOCK_EX)
        def interrupted():
            def timeout(*_): raise TimeoutError()
            signal.signal(signal.SIGALRM, timeout); signal.setitimer(signal.ITIMER_REAL, 0.2)
            fcntl.flock(os.open('f', os.O_RDONLY), fcntl.LOCK_SH)
        say('interrupted wait', child(interrupted))
        ready_r, ready_w = os.pipe()
        def restarted():
            seen = []
            signal.signal(signal.SIGALRM, lambda *_: seen.append(1)); signal.siginterrupt(signal.SIGALRM, False)
            signal.setitimer(signal.ITIMER_REAL, 0.1); os.write(ready_w, b'1')
            fcntl.flock(os.open('f', os.O_RDONLY), fcntl.LOCK_SH); say(' restarted wait got the lock, handler ran', seen)
        pid = os.fork()
        if pid == 0:
            restarted(); os._exit(0)
        os.read(ready_r, 1); time.sleep(0.4); say('parent unlocks'); fcntl.flock(a, fcntl.LOCK_UN)
        say('restarted', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        t('flock LOCK_MAND is ignored', lambda: fcntl.flock(a, 32 | fcntl.LOCK_SH))
        t('flock bad operation on O_PATH', lambda: fcntl.flock(os.open('f', os.O_PATH), 3))
        t('flock on O_PATH', lambda: fcntl.flock(os.open('f', os.O_PATH), fcntl.LOCK_SH))
        t('ofd pid checked after access mode', lambda: fcntl.fcntl(r, fcntl.F_OFD_SETLK, flk(fcntl.F_WRLCK, 0, 1, pid=1)))
        t('getlk of unlock', lambda: fcntl.fcntl(r, fcntl.F_GETLK, flk(fcntl.F_UNLCK, 0, 1)))
        # A cycle of waits: whichever of the two closes it gets EDEADLK (which one depends on timing), the other its lock.
        fcntl.lockf(a, fcntl.LOCK_EX, 1, 100)
        ready_r, ready_w = os.pipe(); result_r, result_w = os.pipe()
        def lock_or_errno(fd, start):
            try: fcntl.lockf(fd, fcntl.LOCK_EX, 1, start); return 'got'
            except OSError as e: return E.errorcode[e.errno]
        pid = os.fork()
        if pid == 0:
            fd = os.open('f', os.O_RDWR); fcntl.lockf(fd, fcntl.LOCK_EX, 1, 200); os.write(ready_w, b'1'); time.sleep(0.2)
            os.write(result_w, lock_or_errno(fd, 100).encode()); os._exit(0)
        os.read(ready_r, 1)
        mine = lock_or_errno(a, 200)
        if mine != 'got': fcntl.lockf(a, fcntl.LOCK_UN, 1, 100)
        os.waitpid(pid, 0)
        say('a cycle of waits', sorted([mine, os.read(result_r, 16).decode()]))
        fcntl.lockf(a, fcntl.LOCK_UN, 0, 0)
        fcntl.flock(a, fcntl.LOCK_EX)
        ready_r, ready_w = os.pipe()
        def own_filter():
            # A program's own seccomp filter that refuses poll(2) must not change what its flock returns.
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            class Insn(ctypes.Structure): _fields_ = [('code', ctypes.c_ushort), ('jt', ctypes.c_ubyte), ('jf', ctypes.c_ubyte), ('k', ctypes.c_uint)]
            class Prog(ctypes.Structure): _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(Insn))]
            insns = (Insn * 4)(Insn(0x20, 0, 0, 0), Insn(0x15, 0, 1, 7), Insn(0x06, 0, 0, 0x00050001), Insn(0x06, 0, 0, 0x7fff0000))
            assert libc.prctl(38, 1, 0, 0, 0) == 0 and libc.prctl(22, 2, ctypes.byref(Prog(4, insns)), 0, 0) == 0
            os.write(ready_w, b'1'); fcntl.flock(os.open('f', os.O_RDONLY), fcntl.LOCK_SH); say(' filtered child got the lock')
        pid = os.fork()
        if pid == 0:
            try: own_filter()
            except OSError as e: say(' filtered child', E.errorcode.get(e.errno, e.errno))
            os._exit(0)
        os.read(ready_r, 1); time.sleep(0.3); fcntl.flock(a, fcntl.LOCK_UN)
        say('filtered', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        PY
        """);

    protected abstract void Check(string script);
}

public class MemoryMountTests : WritableMountTests
{
    protected override void Check(string script) => MountedLikeRealDirectory.Check("memory", script);
}

public class PassthroughMountTests : WritableMountTests
{
    protected override void Check(string script)
    {
        using var host = new TempDir();
        MountedLikeRealDirectory.Check("passthrough", script, host.Path);
    }
}
