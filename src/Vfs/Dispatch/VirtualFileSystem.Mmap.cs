using PtFs.Vfs.Kernel;
using PtFs.Vfs.Mapping;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// mmap of a virtual fd: the kernel maps a memfd the tracer hands the process. Private mappings get a
// snapshot of the file; shared ones its page cache, which reads and writes go through while it lives.
public sealed partial class VirtualFileSystem
{
    private const int PROT_WRITE = 2, MAP_SHARED = 1, MAP_TYPE = 0xF, MAP_ANONYMOUS = 0x20;

    private readonly Dictionary<(Mount Mount, ulong Inode), PageCache> _pageCaches = [];
    private readonly Dictionary<PageCache, OpenFile> _borrowedFiles = []; // caches writing through the program's own open file
    private readonly Dictionary<int, List<MappedRange>> _sharedMappings = []; // by address space, for msync and munmap

    /// <summary>A process made its first shared mapping of a virtual file: from now on its msync and munmap calls must stop.</summary>
    public event Action<ISyscall>? SharedMappingMade;

    private void RegisterMmap()
    {
        Register(Sys.mmap, (c, p) => p.Fds.TryGet((int)c.Arg(4), out var d) ? Map(c, p, d.File) : SyscallOutcome.PassThrough, fdArgument: 4,
            treatment: "served: private mappings of a snapshot; shared ones of a page cache whose stores reach the provider at msync, munmap, fsync, and when the last process mapping it exits or execs");
        Register(Sys.msync, (c, p) =>
        {
            WriteBackRange(p.Space, c.Arg(0), c.Arg(1));
            return SyscallOutcome.PassThrough;
        }, OnDemand, "watched in processes that mapped a virtual file shared: what they stored in the range is written back");
        Register(Sys.munmap, (c, p) => ObserveThen(c, (exit, result) =>
        {
            if (result == 0) Unmapped(p, exit.Arg(0), exit.Arg(1));
        }), OnDemand, "watched in processes that mapped a virtual file shared: what they stored in the range is written back, and a file no longer mapped lets go of its page cache");
    }

    /// <summary>
    /// A private mapping (ld.so loading a library, python's mmap) sees the file as it is now; a shared one
    /// sees and makes the changes every other mapping, read and write of the file does. Touching beyond the
    /// end of the file is SIGBUS, as on disk. The checks come in do_mmap's order.
    /// </summary>
    private SyscallOutcome Map(ISyscall call, ProcessFiles process, OpenFile file)
    {
        int protection = (int)call.Arg(2), flags = (int)call.Arg(3);
        long offset = (long)call.Arg(5), length = (long)call.Arg(1);
        if ((flags & MAP_ANONYMOUS) != 0) return SyscallOutcome.PassThrough; // the fd is ignored
        if ((offset & 4095) != 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        if (length == 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (offset < 0 || offset > long.MaxValue - length) return SyscallOutcome.Fail(Errno.EOVERFLOW);
        bool shared = (flags & MAP_TYPE) is MAP_SHARED or 3; // MAP_SHARED, MAP_SHARED_VALIDATE
        if (shared && (protection & PROT_WRITE) != 0 && !file.Flags.CanWrite()) return SyscallOutcome.Fail(Errno.EACCES);
        if (!file.Flags.CanRead()) return SyscallOutcome.Fail(Errno.EACCES);
        if (file.Type != FileType.Regular) return SyscallOutcome.Fail(Errno.ENODEV);
        var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        // A shared mapping through an fd that may write may be made writable later (mprotect).
        bool mayWrite = shared && file.Flags.CanWrite() && file.Mount.Writable is not null;
        long end = offset + length;

        var node = (file.Mount, file.Inode);
        if (stat.Inode == 0 || !(shared || _pageCaches.ContainsKey(node)))
        {
            // A provider that numbers nothing cannot tell its files apart for a cache: a snapshot, read-only.
            if (mayWrite && (protection & PROT_WRITE) != 0) return Unsupported(call, Errno.ENODEV);
            var key = SnapshotKey.Of(file.Mount, file.Inside, stat);
            long snapshot = call.ShareSnapshot(key, stat.Size, (at, buffer) => ReadFully(file.Mount, file.Handle, at, buffer), executable: false, offset, end);
            return snapshot < 0 ? SyscallOutcome.Fail(snapshot == -(long)Errno.ENOMEM ? Errno.ENOMEM : Errno.ENODEV) : SyscallOutcome.SubstituteFd(4, snapshot);
        }

        var cache = CacheFor(call, file, stat, mayWrite);
        long fd;
        try
        {
            cache.Fill(offset, end, (at, buffer) => ReadFully(file.Mount, file.Handle, at, buffer));
            fd = call.ShareFile(cache.Shared, mayWrite);
        }
        catch
        {
            if (cache.Spaces.Count == 0) Drop(node, cache);
            throw;
        }
        if (fd < 0)
        {
            if (cache.Spaces.Count == 0) Drop(node, cache);
            return SyscallOutcome.Fail(fd == -(long)Errno.ENOMEM ? Errno.ENOMEM : Errno.ENODEV);
        }
        _pendingExits[call.Tid] = (exit, address) =>
        {
            if (address < 0 || !shared)
            {
                if (cache.Spaces.Count == 0) Drop(node, cache);
                return address;
            }
            cache.Spaces.Add(process.Space);
            if (!_sharedMappings.TryGetValue(process.Space, out var ranges)) _sharedMappings[process.Space] = ranges = [];
            ranges.Add(new MappedRange((ulong)address, (ulong)address + (ulong)length, offset, cache));
            if (!process.TrapsMsync)
            {
                process.TrapsMsync = true;
                SharedMappingMade?.Invoke(exit);
            }
            return address;
        };
        return SyscallOutcome.SubstituteFd(4, fd);
    }

    /// <summary>The node's page cache, made if it has none, with a handle that may write if <paramref name="mayWrite"/>.</summary>
    private PageCache CacheFor(ISyscall call, OpenFile file, in FileStat stat, bool mayWrite)
    {
        if (_pageCaches.TryGetValue((file.Mount, file.Inode), out var cache))
        {
            if (mayWrite && !cache.Writable)
            {
                var (handle, borrowed) = OwnHandle(file, writable: true);
                ReleaseCacheHandle(file.Mount, cache, cache.Upgrade(handle));
                if (borrowed is not null) _borrowedFiles[cache] = borrowed;
            }
            return cache;
        }
        var (own, lent) = OwnHandle(file, mayWrite);
        ISharedFile memory;
        try
        {
            memory = call.CreateSharedFile("ptfs-shared");
            memory.Length = stat.Size;
        }
        catch
        {
            ReleaseHandle(file.Mount, own, lent);
            throw;
        }
        cache = new PageCache(memory, file.Mount.Writable, own, mayWrite);
        if (lent is not null) _borrowedFiles[cache] = lent;
        _pageCaches[(file.Mount, file.Inode)] = cache;
        return cache;
    }

    /// <summary>
    /// The cache's own open of the file, so that the program's close and its locks stay the program's; the
    /// program's open file itself (lent) when its name no longer leads to it (unlinked, replaced).
    /// </summary>
    private static (FileHandle Handle, OpenFile? Lent) OwnHandle(OpenFile file, bool writable)
    {
        var mount = file.Mount;
        if (mount.Provider.Open(file.Inside, writable ? OpenFlags.ReadWrite : OpenFlags.ReadOnly, out var handle) == Errno.Ok)
        {
            if (mount.Provider.GetAttributes(handle, out var opened) == Errno.Ok && opened.Inode == file.Inode) return (handle, null);
            mount.Provider.Release(handle);
        }
        file.AddReference(); // as the kernel's mapping holds its file
        return (file.Handle, file);
    }

    private void ReleaseCacheHandle(Mount mount, PageCache cache, FileHandle handle) =>
        ReleaseHandle(mount, handle, _borrowedFiles.Remove(cache, out var lent) && lent.Handle == handle ? lent : null);

    private void ReleaseHandle(Mount mount, FileHandle handle, OpenFile? lent)
    {
        if (lent is null) ReleaseHandle(mount, handle, handle.Path);
        else if (lent.DropReference())
        {
            ReleaseLocksOf(lent);
            ReleaseHandle(lent);
        }
    }
}
