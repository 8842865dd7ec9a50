namespace PtFs.Vfs.Kernel;

/// <summary>x86_64 syscall numbers the VFS serves or watches.</summary>
public static class Sys
{
    public const int read = 0, write = 1, open = 2, close = 3, stat = 4, fstat = 5, lstat = 6, lseek = 8, mmap = 9,
        munmap = 11, ioctl = 16, msync = 26, pread64 = 17, pwrite64 = 18, readv = 19, writev = 20, access = 21, dup = 32, dup2 = 33,
        sendfile = 40, execve = 59, fcntl = 72, flock = 73, fsync = 74, fdatasync = 75, truncate = 76, ftruncate = 77,
        getdents = 78, getcwd = 79, chdir = 80, fchdir = 81, rename = 82, mkdir = 83, rmdir = 84, creat = 85, link = 86,
        unlink = 87, symlink = 88, readlink = 89, chmod = 90, fchmod = 91, chown = 92, fchown = 93, lchown = 94,
        utime = 132, statfs = 137, fstatfs = 138, setxattr = 188, lsetxattr = 189, fsetxattr = 190, getxattr = 191,
        lgetxattr = 192, fgetxattr = 193, listxattr = 194, llistxattr = 195, flistxattr = 196, removexattr = 197,
        lremovexattr = 198, fremovexattr = 199, getdents64 = 217, fadvise64 = 221, utimes = 235, openat = 257,
        mkdirat = 258, fchownat = 260, futimesat = 261, newfstatat = 262, unlinkat = 263, renameat = 264, linkat = 265,
        symlinkat = 266, readlinkat = 267, fchmodat = 268, faccessat = 269, splice = 275, utimensat = 280,
        fallocate = 285, dup3 = 292, preadv = 295, pwritev = 296, renameat2 = 316, copy_file_range = 326,
        preadv2 = 327, pwritev2 = 328, statx = 332, mknod = 133, chroot = 161, inotify_add_watch = 254, mknodat = 259,
        name_to_handle_at = 303, execveat = 322, setuid = 105, setgid = 106, setreuid = 113, setregid = 114,
        setgroups = 116, setresuid = 117, setresgid = 119, setfsuid = 122, setfsgid = 123, capset = 126, close_range = 436, openat2 = 437, faccessat2 = 439, io_uring_setup = 425;
}
