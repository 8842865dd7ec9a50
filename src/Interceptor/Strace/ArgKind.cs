namespace PtFs.Interceptor.Strace;

/// <summary>How one syscall argument is printed; the kinds mirror strace's decoders.</summary>
public enum ArgKind
{
    Int,
    Hex,
    Size,
    Offset,
    Fd,
    DirFd,
    Pathname,
    Text,
    OpenFlags,
    AtFlags,
    Mode,
    AccessMode,
    Whence,
    FcntlCmd,
    Pointer,
    /// <summary>Bytes the kernel reads from the program (write, pwrite64), length in the next argument.</summary>
    InBuffer,
    /// <summary>Bytes the kernel fills (read, readlink), length in the result; printed at exit.</summary>
    OutBuffer,
    /// <summary>A <c>struct stat</c> the kernel fills; printed at exit.</summary>
    StatBuffer,
    /// <summary>An <c>int[2]</c> of new fds (pipe, pipe2); printed at exit.</summary>
    FdPair,
    Argv,
    Envp,
}
