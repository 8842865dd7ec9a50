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

    private void RegisterMmap()
    {
        Register(Sys.mmap, (c, p) => p.Fds.TryGet((int)c.Arg(4), out var d) ? Map(c, d.File) : SyscallOutcome.PassThrough, fdArgument: 4,
            treatment: "served: private mappings of a snapshot; shared ones of a page cache whose stores reach the provider at msync, fsync, exec and exit");
        Register(Sys.msync, (c, _) =>
        {
            WriteBackMappedBy(c.Pid);
            return SyscallOutcome.PassThrough;
        }, treatment: "watched: what the process's shared mappings of virtual files stored is written back");
    }

    /// <summary>
    /// A private mapping (ld.so loading a library, python's mmap) sees the file as it is now; a shared one
    /// sees and makes the changes every other mapping, read and write of the file does. Touching beyond the
    /// end of the file is SIGBUS, as on disk.
    /// </summary>
    private SyscallOutcome Map(ISyscall call, OpenFile file)
    {
        int protection = (int)call.Arg(2), flags = (int)call.Arg(3);
        if ((flags & MAP_ANONYMOUS) != 0) return SyscallOutcome.PassThrough; // the fd is ignored
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        if (file.Type != FileType.Regular) return SyscallOutcome.Fail(Errno.ENODEV);
        if (!file.Flags.CanRead()) return SyscallOutcome.Fail(Errno.EACCES);
        bool shared = (flags & MAP_TYPE) is MAP_SHARED or 3; // MAP_SHARED, MAP_SHARED_VALIDATE
        // A shared mapping may be made writable later (mprotect) only through an fd that may write.
        bool mayWrite = shared && file.Flags.CanWrite() && !file.Flags.HasFlag(OpenFlags.Append) && file.Mount.Writable is not null;
        if (shared && (protection & PROT_WRITE) != 0 && !mayWrite) return SyscallOutcome.Fail(Errno.EACCES);
        var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        long offset = (long)call.Arg(5), length = (long)call.Arg(1);
        if ((offset & 4095) != 0 || length == 0) return SyscallOutcome.Fail(Errno.EINVAL);
        long end = offset > long.MaxValue - length ? long.MaxValue : offset + length;

        var node = (file.Mount, file.Inode);
        long fd;
        if (shared || _pageCaches.ContainsKey(node))
        {
            if (!_pageCaches.TryGetValue(node, out var cache))
            {
                var memory = call.CreateSharedFile("ptfs-shared");
                memory.Length = stat.Size;
                _pageCaches[node] = cache = new PageCache(memory);
            }
            cache.Fill(offset, end, (at, buffer) => ReadFully(file.Mount, file.Handle, at, buffer));
            fd = call.ShareFile(cache.Shared, mayWrite);
            if (fd >= 0 && shared) cache.Mappers.Add(call.Pid);
            if (fd >= 0 && mayWrite && cache.Writer is null)
            {
                file.AddReference(); // as the kernel's mapping holds its file: the handle outlives close(2)
                cache.Writer = file;
            }
        }
        else
        {
            var key = SnapshotKey.Of(file.Mount, file.Inside, stat);
            fd = call.ShareSnapshot(key, stat.Size, (at, buffer) => ReadFully(file.Mount, file.Handle, at, buffer), offset, end);
        }
        return fd < 0 ? SyscallOutcome.Fail(fd == -(long)Errno.ENOMEM ? Errno.ENOMEM : Errno.ENODEV) : SyscallOutcome.SubstituteFd(4, fd);
    }

    /// <summary>The page cache of the file, if a shared mapping made one.</summary>
    private PageCache? CacheOf(OpenFile file) => _pageCaches.Count > 0 && _pageCaches.TryGetValue((file.Mount, file.Inode), out var cache) ? cache : null;

    private PageCache? CacheOf(Resolution node) => _pageCaches.Count > 0 && _pageCaches.TryGetValue((node.Mount!, NodeInode(node)), out var cache) ? cache : null;

    /// <summary>A read of the file's bytes, through its page cache when it has one: what mappings stored counts.</summary>
    private Errno ReadContent(OpenFile file, long offset, Span<byte> buffer, out int n)
    {
        if (CacheOf(file) is { } cache)
        {
            n = cache.Read(offset, buffer, (at, piece) => ReadFully(file.Mount, file.Handle, at, piece));
            return Errno.Ok;
        }
        var errno = file.Mount.Provider.Read(file.Handle, offset, buffer, out n);
        if (errno == Errno.Ok) Checked(n, buffer.Length, file.Handle);
        return errno;
    }

    /// <summary>msync, and a process leaving its mappings behind: their stores go to the providers.</summary>
    private void WriteBackMappedBy(int pid)
    {
        foreach (var cache in _pageCaches.Values)
            if (cache.Mappers.Contains(pid)) WriteBack(cache);
    }

    private static void WriteBack(PageCache cache)
    {
        if (cache.Writer is { } writer) cache.WriteBack(writer.Mount.Writable!);
    }

    /// <summary>A fork inherits its parent's mappings.</summary>
    private void MappingsInherited(int parent, int child)
    {
        foreach (var cache in _pageCaches.Values)
            if (cache.Mappers.Contains(parent)) cache.Mappers.Add(child);
    }

    /// <summary>
    /// A process exited or exec'd, and its mappings with it: what they stored is written back, and a cache
    /// no process maps any more goes (munmap is not trapped, as every program calls it all the time).
    /// </summary>
    private void MappingsGone(int pid)
    {
        foreach (var (node, cache) in _pageCaches.Where(c => c.Value.Mappers.Contains(pid)).ToList())
        {
            cache.Mappers.Remove(pid);
            try
            {
                WriteBack(cache);
            }
            catch (Exception e)
            {
                LogWriteBackFailure(_log, cache.Writer?.Absolute ?? "", e);
            }
            if (cache.Mappers.Count > 0) continue;
            _pageCaches.Remove(node);
            cache.Dispose();
            if (cache.Writer is { } writer && writer.DropReference())
            {
                ReleaseLocksOf(writer);
                ReleaseHandle(writer);
            }
        }
    }

    private static int ReadFully(Mount mount, FileHandle handle, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            var errno = mount.Provider.Read(handle, offset + total, buffer[total..], out int n);
            if (errno != Errno.Ok) throw new FsException(errno, $"reading {handle.Path} for a mapping: {errno}");
            Checked(n, buffer.Length - total, handle);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Which snapshot of a file's bytes is current: the same file, unchanged since.</summary>
    private readonly record struct SnapshotKey(ulong Device, ulong Inode, long Size, UnixTime Modified, UnixTime Changed)
    {
        public static SnapshotKey Of(Mount mount, string inside, in FileStat stat) =>
            new(mount.Device, SyntheticInodes.Or(stat.Inode, mount, inside), stat.Size, stat.ModifyTime, stat.ChangeTime);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "writing back what a mapping of {Path} stored failed; those stores are lost")]
    private static partial void LogWriteBackFailure(Microsoft.Extensions.Logging.ILogger logger, string path, Exception exception);
}
