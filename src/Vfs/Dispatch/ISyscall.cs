namespace PtFs.Vfs.Dispatch;

/// <summary>
/// A program's syscall, stopped, as the VFS sees it: no registers, no ptrace. The interceptor adapts its
/// context to this; tests use a fake.
/// </summary>
public interface ISyscall
{
    int Pid { get; }

    int Tid { get; }

    int Number { get; }

    ulong Arg(int index);

    /// <summary>
    /// The caller died, or another thread's exec replaced it, while the VFS worked in it: what the VFS answers
    /// no longer reaches it, and a failure this caused (a placeholder that could not be made) is no provider's.
    /// </summary>
    bool CallerGone => false;

    /// <summary>A NUL-terminated path from the program: EFAULT if unreadable, ENAMETOOLONG past PATH_MAX.</summary>
    Errno ReadPath(ulong address, out string path);

    /// <summary>All of it or EFAULT.</summary>
    Errno ReadMemory(ulong address, Span<byte> destination);

    /// <summary>
    /// What write(2) takes from a buffer that ends early: its bytes up to the first page that cannot be read.
    /// The count; 0 when not even the first byte can be (EFAULT).
    /// </summary>
    int ReadMemoryPrefix(ulong address, Span<byte> destination) => ReadMemory(address, destination) == Errno.Ok ? destination.Length : 0;

    /// <summary>All of it or EFAULT.</summary>
    Errno WriteMemory(ulong address, ReadOnlySpan<byte> source);

    /// <summary>
    /// What read(2) delivers into a buffer that ends early: the bytes up to the first page that cannot be
    /// written. The count; 0 when not even the first byte can be (EFAULT).
    /// </summary>
    int WriteMemoryPrefix(ulong address, ReadOnlySpan<byte> source) => WriteMemory(address, source) == Errno.Ok ? source.Length : 0;

    /// <summary>The fast path's buffer (the thread's slot of the shared region), when the process has one.</summary>
    bool TryGetPayloadBuffer(out Span<byte> buffer);

    /// <summary>Makes an inert kernel fd at or above the virtual floor in the process; the fd, or -errno.</summary>
    long CreatePlaceholder(bool closeOnExec);

    /// <summary>Sets or clears FD_CLOEXEC on a placeholder fd in the process (fcntl works on O_PATH fds, ioctl does not).</summary>
    long SetCloseOnExec(int fd, bool closeOnExec);

    /// <summary>
    /// Gives the process a read-only fd of its own for a snapshot of <paramref name="length"/> bytes that
    /// <paramref name="read"/> produces (a virtual file's contents, for mmap and exec); equal keys may share
    /// one snapshot. Only [<paramref name="from"/>, <paramref name="to"/>) is filled in (what an mmap maps),
    /// the rest reads as zeros. <paramref name="executable"/> for a program execveat will run. The fd
    /// (close-on-exec), or -errno.
    /// </summary>
    long ShareSnapshot(object key, long length, SnapshotReader read, bool executable, long from = 0, long to = long.MaxValue);

    /// <summary>A new, empty file in memory the process can be given with <see cref="ShareFile"/>.</summary>
    Mapping.ISharedFile CreateSharedFile(string name);

    /// <summary>Gives the process an fd of its own (close-on-exec) for <paramref name="file"/>, read-write or read-only; the fd, or -errno.</summary>
    long ShareFile(Mapping.ISharedFile file, bool writable);

    /// <summary>The kernel's idea of the process's working directory (AT_FDCWD), or of one of its real fds.</summary>
    string? KernelPath(int fd);

    /// <summary>Who creates files, and the umask their modes pass through (from /proc/PID/status).</summary>
    Credentials Credentials();
}

/// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; the count, short only at the end.</summary>
public delegate int SnapshotReader(long offset, Span<byte> buffer);

/// <summary>
/// The filesystem uid and gid of a process (what file access is checked with), its real ones (what
/// access(2) checks with), its supplementary groups, and its umask.
/// </summary>
public sealed record Credentials(uint Uid, uint Gid, uint Umask, IReadOnlyList<uint> Groups)
{
    public uint RealUid { get; init; } = Uid;

    public uint RealGid { get; init; } = Gid;

    /// <summary>The same process as access(2) sees it: real ids in place of the filesystem ones.</summary>
    public Credentials AsReal => this with { Uid = RealUid, Gid = RealGid };

    /// <summary>
    /// The effective capability set (CapEff). Without /proc's word for it, fsuid 0 has them all, as the
    /// kernel gives root.
    /// </summary>
    public ulong Capabilities { get; init; } = Uid == 0 ? ulong.MaxValue : 0;

    /// <summary>CAP_CHOWN: give files away.</summary>
    public bool MayChown => Has(0);

    /// <summary>CAP_DAC_OVERRIDE: bypass read, write and search permission bits.</summary>
    public bool OverridesPermissions => Has(1);

    /// <summary>CAP_DAC_READ_SEARCH: bypass read permission on files, read and search on directories.</summary>
    public bool ReadsAndSearchesAll => Has(2);

    /// <summary>CAP_FOWNER: act as the owner of every file (chmod, utimes, sticky directories, hard links).</summary>
    public bool ActsAsOwner => Has(3);

    /// <summary>CAP_FSETID: keep set-group-id when changing the mode of a file outside one's groups.</summary>
    public bool KeepsSetId => Has(4);

    private bool Has(int capability) => (Capabilities & (1UL << capability)) != 0;

    public bool InGroup(uint gid) => gid == Gid || Groups.Contains(gid);
}
