namespace PtFs.Vfs;

/// <summary>What the VFS keeps per traced process: its working directory and its virtual descriptors.</summary>
public sealed class ProcessFiles(int pid, FdTable fds)
{
    public int Pid { get; } = pid;

    /// <summary>
    /// The working directory when it is inside a mount (absolute, normalized), where the kernel's own cwd
    /// cannot follow; null while it is a real directory, which only the kernel knows for sure.
    /// </summary>
    public string? VirtualCwd { get; set; }

    /// <summary>The kernel's cwd as last read from /proc, until the next chdir or fchdir (both always stop).</summary>
    public string? KernelCwd { get; set; }

    public FdTable Fds { get; } = fds;

    /// <summary>Its address space, as the VFS numbers them: processes made with CLONE_VM share one, exec makes a new one.</summary>
    public int Space { get; set; }

    /// <summary>Whether its msync calls stop (a filter was stacked on it at its first shared mapping of a virtual file).</summary>
    public bool TrapsMsync { get; set; }

    /// <summary>The program the process runs when it came from a mount (its path is what /proc/self/exe names), else null.</summary>
    public VirtualProgram? VirtualExe { get; set; }

    /// <summary>The program a pending execve of this process will run if it succeeds, when that one is in a mount.</summary>
    public VirtualProgram? ExecutingVirtual { get; set; }

    /// <summary>
    /// Each thread's credentials as last read (Linux keeps them per thread), until exec or a set*id call
    /// (both stop) may have changed them.
    /// </summary>
    public Dictionary<int, Dispatch.Credentials> Credentials { get; } = [];

    /// <summary>
    /// Real directories open in the kernel that have mount points inside: their listings get the mount
    /// points appended when the kernel's run out.
    /// </summary>
    public Dictionary<int, MountListing> MountListings { get; init; } = [];
}

/// <summary>A program from a mount: the path it was run by, and the file (which a write may not open while it runs).</summary>
public sealed record VirtualProgram(string Path, Mounts.Mount Mount, ulong Inode);
