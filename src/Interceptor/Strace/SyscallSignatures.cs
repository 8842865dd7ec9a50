using static PtFs.Interceptor.Strace.ArgKind;

namespace PtFs.Interceptor.Strace;

/// <summary>
/// The file-related syscalls <c>ptfs trace</c> prints (strace's %file and %desc classes) and how their
/// arguments read.
/// </summary>
public static class SyscallSignatures
{
    private static readonly Dictionary<int, (string Name, ArgKind[] Args)> ByNumber = new()
    {
        [0] = ("read", [Fd, OutBuffer, Size]),
        [1] = ("write", [Fd, InBuffer, Size]),
        [2] = ("open", [Pathname, OpenFlags, Mode]),
        [3] = ("close", [Fd]),
        [4] = ("stat", [Pathname, StatBuffer]),
        [5] = ("fstat", [Fd, StatBuffer]),
        [6] = ("lstat", [Pathname, StatBuffer]),
        [8] = ("lseek", [Fd, Offset, Whence]),
        [9] = ("mmap", [Pointer, Size, Hex, Hex, Fd, Offset]),
        [16] = ("ioctl", [Fd, Hex, Hex]),
        [17] = ("pread64", [Fd, OutBuffer, Size, Offset]),
        [18] = ("pwrite64", [Fd, InBuffer, Size, Offset]),
        [19] = ("readv", [Fd, Pointer, Int]),
        [20] = ("writev", [Fd, Pointer, Int]),
        [21] = ("access", [Pathname, AccessMode]),
        [22] = ("pipe", [FdPair]),
        [32] = ("dup", [Fd]),
        [33] = ("dup2", [Fd, Fd]),
        [40] = ("sendfile", [Fd, Fd, Pointer, Size]),
        [59] = ("execve", [Pathname, Argv, Envp]),
        [72] = ("fcntl", [Fd, FcntlCmd, Hex]),
        [73] = ("flock", [Fd, Int]),
        [74] = ("fsync", [Fd]),
        [75] = ("fdatasync", [Fd]),
        [76] = ("truncate", [Pathname, Offset]),
        [77] = ("ftruncate", [Fd, Offset]),
        [78] = ("getdents", [Fd, Pointer, Size]),
        [80] = ("chdir", [Pathname]),
        [81] = ("fchdir", [Fd]),
        [82] = ("rename", [Pathname, Pathname]),
        [83] = ("mkdir", [Pathname, Mode]),
        [84] = ("rmdir", [Pathname]),
        [85] = ("creat", [Pathname, Mode]),
        [86] = ("link", [Pathname, Pathname]),
        [87] = ("unlink", [Pathname]),
        [88] = ("symlink", [Pathname, Pathname]),
        [89] = ("readlink", [Pathname, OutBuffer, Size]),
        [90] = ("chmod", [Pathname, Mode]),
        [91] = ("fchmod", [Fd, Mode]),
        [92] = ("chown", [Pathname, Int, Int]),
        [93] = ("fchown", [Fd, Int, Int]),
        [94] = ("lchown", [Pathname, Int, Int]),
        [132] = ("utime", [Pathname, Pointer]),
        [133] = ("mknod", [Pathname, Mode, Hex]),
        [137] = ("statfs", [Pathname, Pointer]),
        [138] = ("fstatfs", [Fd, Pointer]),
        [161] = ("chroot", [Pathname]),
        [165] = ("mount", [Pathname, Pathname, Text, Hex, Pointer]),
        [166] = ("umount2", [Pathname, Hex]),
        [187] = ("readahead", [Fd, Offset, Size]),
        [188] = ("setxattr", [Pathname, Text, Pointer, Size, Hex]),
        [189] = ("lsetxattr", [Pathname, Text, Pointer, Size, Hex]),
        [190] = ("fsetxattr", [Fd, Text, Pointer, Size, Hex]),
        [191] = ("getxattr", [Pathname, Text, Pointer, Size]),
        [192] = ("lgetxattr", [Pathname, Text, Pointer, Size]),
        [193] = ("fgetxattr", [Fd, Text, Pointer, Size]),
        [194] = ("listxattr", [Pathname, Pointer, Size]),
        [195] = ("llistxattr", [Pathname, Pointer, Size]),
        [196] = ("flistxattr", [Fd, Pointer, Size]),
        [197] = ("removexattr", [Pathname, Text]),
        [198] = ("lremovexattr", [Pathname, Text]),
        [199] = ("fremovexattr", [Fd, Text]),
        [217] = ("getdents64", [Fd, Pointer, Size]),
        [221] = ("fadvise64", [Fd, Offset, Size, Int]),
        [235] = ("utimes", [Pathname, Pointer]),
        [254] = ("inotify_add_watch", [Fd, Pathname, Hex]),
        [257] = ("openat", [DirFd, Pathname, OpenFlags, Mode]),
        [258] = ("mkdirat", [DirFd, Pathname, Mode]),
        [259] = ("mknodat", [DirFd, Pathname, Mode, Hex]),
        [260] = ("fchownat", [DirFd, Pathname, Int, Int, AtFlags]),
        [261] = ("futimesat", [DirFd, Pathname, Pointer]),
        [262] = ("newfstatat", [DirFd, Pathname, StatBuffer, AtFlags]),
        [263] = ("unlinkat", [DirFd, Pathname, AtFlags]),
        [264] = ("renameat", [DirFd, Pathname, DirFd, Pathname]),
        [265] = ("linkat", [DirFd, Pathname, DirFd, Pathname, AtFlags]),
        [266] = ("symlinkat", [Pathname, DirFd, Pathname]),
        [267] = ("readlinkat", [DirFd, Pathname, OutBuffer, Size]),
        [268] = ("fchmodat", [DirFd, Pathname, Mode]),
        [269] = ("faccessat", [DirFd, Pathname, AccessMode]),
        [275] = ("splice", [Fd, Pointer, Fd, Pointer, Size, Hex]),
        [276] = ("tee", [Fd, Fd, Size, Hex]),
        [277] = ("sync_file_range", [Fd, Offset, Offset, Hex]),
        [280] = ("utimensat", [DirFd, Pathname, Pointer, AtFlags]),
        [285] = ("fallocate", [Fd, Int, Offset, Offset]),
        [292] = ("dup3", [Fd, Fd, OpenFlags]),
        [293] = ("pipe2", [FdPair, OpenFlags]),
        [295] = ("preadv", [Fd, Pointer, Int, Offset]),
        [296] = ("pwritev", [Fd, Pointer, Int, Offset]),
        [303] = ("name_to_handle_at", [DirFd, Pathname, Pointer, Pointer, AtFlags]),
        [304] = ("open_by_handle_at", [Fd, Pointer, OpenFlags]),
        [316] = ("renameat2", [DirFd, Pathname, DirFd, Pathname, Hex]),
        [319] = ("memfd_create", [Text, Hex]),
        [322] = ("execveat", [DirFd, Pathname, Argv, Envp, AtFlags]),
        [326] = ("copy_file_range", [Fd, Pointer, Fd, Pointer, Size, Hex]),
        [327] = ("preadv2", [Fd, Pointer, Int, Offset, Hex]),
        [328] = ("pwritev2", [Fd, Pointer, Int, Offset, Hex]),
        [332] = ("statx", [DirFd, Pathname, AtFlags, Hex, Pointer]),
        [436] = ("close_range", [Fd, Fd, Hex]),
        [437] = ("openat2", [DirFd, Pathname, Pointer, Size]),
        [439] = ("faccessat2", [DirFd, Pathname, AccessMode, AtFlags]),
        [452] = ("fchmodat2", [DirFd, Pathname, Mode, AtFlags]),
    };

    public static IEnumerable<int> Numbers => ByNumber.Keys;

    public static bool TryGet(int number, out string name, out ArgKind[] args)
    {
        if (ByNumber.TryGetValue(number, out var signature))
        {
            (name, args) = signature;
            return true;
        }
        (name, args) = (Syscalls.SyscallNames.Of(number), []);
        return false;
    }
}
