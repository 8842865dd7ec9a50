// Passes bad pointers to file syscalls in the directory argv[1] (NULL, an unmapped page, a read-only page, a
// buffer or name that runs into the unmapped page) and prints each result, errno, and the file's offset and
// size afterwards, so that a run on a mount can be compared line by line with a run on a real directory.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int current = -1;

static void report(const char *name, long r)
{
    int e = r < 0 ? errno : 0;
    long offset = current >= 0 ? lseek(current, 0, SEEK_CUR) : -1;
    struct stat st;
    long size = current >= 0 && fstat(current, &st) == 0 ? (long)st.st_size : -1;
    printf("%-26s %4ld %-10s offset %ld size %ld\n", name, r, e ? strerrorname_np(e) : "-", offset, size);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2 || chdir(argv[1]) != 0) { perror("chdir"); return 2; }
    long page = sysconf(_SC_PAGESIZE);
    // Three pages: writable, unmapped (the hole stays: nothing else is mapped meanwhile), read-only.
    char *three = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(three + 2 * page, page, PROT_READ);
    munmap(three + page, page);
    char *unmapped = three + page, *readonly = three + 2 * page;
    char *edge = unmapped - 4; // 4 usable bytes, then the unmapped page
    char *volatile null = NULL; // volatile: the compiler must not see the NULL it would warn about
    static char good[4096], big[2 << 20];
    struct stat st;

    int fd = open("f", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0 || write(fd, "0123456789abcdefghij", 20) != 20 || symlink("f", "l") != 0 || mkdir("d", 0755) != 0) { perror("setup"); return 2; }
    lseek(fd, 0, SEEK_SET);
    current = fd;
    report("read NULL", read(fd, null, 10));
    report("read unmapped", read(fd, unmapped, 10));
    report("read read-only", read(fd, readonly, 10));
    report("read edge", read(fd, edge, 10));
    report("read big edge", read(fd, edge, sizeof big));
    report("pread big edge", pread(fd, edge, sizeof big, 1));
    report("pread big NULL", pread(fd, null, sizeof big, 1));
    lseek(fd, 0, SEEK_SET);
    report("read good 4", read(fd, good, 4));
    report("pread NULL", pread(fd, null, 10, 0));
    report("pread edge", pread(fd, edge, 10, 2));
    report("pread read-only", pread(fd, readonly, 10, 2));
    report("readv NULL iov", readv(fd, (struct iovec *)null, 1));
    struct iovec good_bad[2] = { { good, 3 }, { unmapped, 5 } }, bad[1] = { { null, 5 } };
    report("readv good+bad", readv(fd, good_bad, 2));
    report("readv bad base", readv(fd, bad, 1));
    report("preadv bad base", preadv(fd, bad, 1, 0));
    report("write NULL", write(fd, null, 10));
    report("write unmapped", write(fd, unmapped, 10));
    memcpy(edge, "WXYZ", 4);
    report("write edge", write(fd, edge, 10));
    report("pwrite NULL", pwrite(fd, null, 5, 0));
    report("writev NULL iov", writev(fd, (struct iovec *)null, 1));
    report("writev bad base", writev(fd, bad, 1));
    struct iovec mixed[2] = { { "ab", 2 }, { unmapped, 5 } };
    report("writev good+bad", writev(fd, mixed, 2));
    report("fstat NULL", syscall(SYS_fstat, fd, null));
    report("fstat read-only", syscall(SYS_fstat, fd, readonly));
    report("fstat edge", syscall(SYS_fstat, fd, edge));
    report("fstatfs NULL", syscall(SYS_fstatfs, fd, null));
    report("fcntl GETLK NULL", fcntl(fd, F_GETLK, null));
    report("fcntl SETLK unmapped", fcntl(fd, F_SETLK, unmapped));
    report("futimens unmapped", syscall(SYS_utimensat, fd, null, unmapped, 0));
    current = -1;

    // Names: "fxyz" with no NUL before the unmapped page is no name at all (EFAULT, not ENOENT).
    report("open NULL", syscall(SYS_open, null, O_RDONLY));
    report("openat unmapped", syscall(SYS_openat, AT_FDCWD, unmapped, O_RDONLY));
    memcpy(edge, "fxyz", 4);
    report("openat edge", syscall(SYS_openat, AT_FDCWD, edge, O_RDONLY));
    report("stat NULL buf", syscall(SYS_stat, "f", null));
    report("stat read-only buf", syscall(SYS_stat, "f", readonly));
    report("stat edge buf", syscall(SYS_stat, "f", edge));
    report("stat NULL path", syscall(SYS_stat, null, &st));
    memcpy(edge, "fxyz", 4);
    report("lstat edge path", syscall(SYS_lstat, edge, &st));
    report("newfstatat NULL buf", syscall(SYS_newfstatat, AT_FDCWD, "l", null, 0));
    report("statx NULL buf", syscall(SYS_statx, AT_FDCWD, "f", 0, 0xfff, null));
    report("statx unmapped path", syscall(SYS_statx, AT_FDCWD, unmapped, 0, 0xfff, good));
    report("statfs NULL buf", syscall(SYS_statfs, ".", null));
    report("access NULL", syscall(SYS_access, null, R_OK));
    memcpy(edge, "fxyz", 4);
    report("faccessat2 edge", syscall(SYS_faccessat2, AT_FDCWD, edge, R_OK, 0));
    report("readlink NULL buf", syscall(SYS_readlink, "l", null, 10));
    report("readlink read-only buf", syscall(SYS_readlink, "l", readonly, 10));
    report("readlink edge buf", syscall(SYS_readlink, "l", edge, 10));
    report("readlink NULL path", syscall(SYS_readlink, null, good, 10));
    report("mkdir unmapped", syscall(SYS_mkdir, unmapped, 0755));
    memcpy(edge, "fxyz", 4);
    report("unlink edge", syscall(SYS_unlink, edge));
    report("rename to NULL", syscall(SYS_rename, "f", null));
    report("symlink NULL target", syscall(SYS_symlink, null, "s"));
    report("utimensat unmapped", syscall(SYS_utimensat, AT_FDCWD, "f", unmapped, 0));
    report("truncate NULL", syscall(SYS_truncate, null, 0));
    report("chdir NULL", syscall(SYS_chdir, null));
    report("getxattr NULL value", syscall(SYS_getxattr, "f", "user.none", null, 10));
    report("setxattr unmapped value", syscall(SYS_setxattr, "f", "user.x", unmapped, 10, 0));
    report("listxattr unmapped", syscall(SYS_listxattr, "f", unmapped, 100));

    int dir = open(".", O_RDONLY | O_DIRECTORY);
    report("getdents64 NULL", syscall(SYS_getdents64, dir, null, 4096));
    report("getdents64 read-only", syscall(SYS_getdents64, dir, readonly, 4096));
    report("getdents64 edge", syscall(SYS_getdents64, dir, edge, 4096));
    long n = syscall(SYS_getdents64, dir, good, sizeof good), entries = 0;
    for (long at = 0; at < n; at += *(unsigned short *)(good + at + 16)) entries++;
    report("getdents64 then: entries", entries);
    report("getcwd NULL", fchdir(dir) == 0 ? syscall(SYS_getcwd, null, 100) : -1);
    report("getcwd read-only", syscall(SYS_getcwd, readonly, 100));

    fd = open("f", O_RDONLY);
    current = fd;
    long got = read(fd, good, sizeof good);
    report("read it all", got);
    printf("content %.*s\n", (int)got, good);
    return 0;
}
