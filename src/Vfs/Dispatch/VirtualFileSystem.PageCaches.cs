using Microsoft.Extensions.Logging;
using PtFs.Vfs.Mapping;
using PtFs.Vfs.Mounts;

namespace PtFs.Vfs.Dispatch;

// The life of page caches: found by open files and paths, written back at msync, fsync and when the last
// address space mapping them goes, dropped once nothing maps them.
public sealed partial class VirtualFileSystem
{
    /// <summary>A shared mapping, as its address space sees it: where it is and which part of which file.</summary>
    private readonly record struct MappedRange(ulong Start, ulong End, long Offset, PageCache Cache);

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

    /// <summary>msync: the shared mappings of the address space in [address, address + length) are written back.</summary>
    private void WriteBackRange(int space, ulong address, ulong length)
    {
        if (!_sharedMappings.TryGetValue(space, out var ranges)) return;
        ulong end = address + length < address ? ulong.MaxValue : address + length;
        foreach (var range in ranges)
        {
            ulong from = Math.Max(range.Start, address), to = Math.Min(range.End, end);
            if (from < to) range.Cache.WriteBack(range.Offset + (long)(from - range.Start), range.Offset + (long)(to - range.Start));
        }
    }

    /// <summary>
    /// munmap succeeded: the stores in the range go to the provider (the memfd keeps them), the mappings wholly
    /// inside it are forgotten, and a cache the address space maps no more (as /proc confirms: mremap moves
    /// mappings unseen) lets go.
    /// </summary>
    private void Unmapped(ProcessFiles process, ulong address, ulong length)
    {
        WriteBackRange(process.Space, address, length);
        if (!_sharedMappings.TryGetValue(process.Space, out var ranges)) return;
        ulong end = address + length < address ? ulong.MaxValue : address + length;
        var gone = ranges.Where(r => r.Start >= address && r.End <= end).ToList();
        ranges.RemoveAll(gone.Contains);
        foreach (var cache in gone.Select(r => r.Cache).Distinct())
        {
            if (ranges.Any(r => r.Cache == cache)) continue;
            if (_processes.Values.Any(p => p.Space == process.Space && cache.Shared.IsMappedBy(p.Pid))) continue;
            Unmapped(cache, process.Space);
        }
    }

    /// <summary>A fork gets a copy of its parent's address space, shared mappings included.</summary>
    private void MappingsInherited(int parentSpace, int childSpace)
    {
        if (!_sharedMappings.TryGetValue(parentSpace, out var ranges)) return;
        _sharedMappings[childSpace] = [.. ranges];
        foreach (var cache in ranges.Select(r => r.Cache).Distinct()) cache.Spaces.Add(childSpace);
    }

    /// <summary>The last process of an address space exited or exec'd: its mappings are gone.</summary>
    private void SpaceGone(int space)
    {
        if (!_sharedMappings.Remove(space, out var ranges)) return;
        foreach (var cache in ranges.Select(r => r.Cache).Distinct().ToList()) Unmapped(cache, space);
    }

    /// <summary>
    /// The last fd of a file with a page cache was closed: address spaces that no longer map it (munmap is not
    /// trapped) let go of it, and it goes when none is left.
    /// </summary>
    private void PruneCacheOf(OpenFile closed)
    {
        if (CacheOf(closed) is not { } cache) return;
        foreach (int space in cache.Spaces.ToList())
        {
            if (_processes.Values.Any(p => p.Space == space && cache.Shared.IsMappedBy(p.Pid))) continue;
            if (_sharedMappings.TryGetValue(space, out var ranges)) ranges.RemoveAll(r => r.Cache == cache);
            Unmapped(cache, space);
        }
    }

    /// <summary>An address space stopped mapping the cache; the last one to go writes the stores back and drops it.</summary>
    private void Unmapped(PageCache cache, int space)
    {
        cache.Spaces.Remove(space);
        if (cache.Spaces.Count > 0) return;
        var node = _pageCaches.First(c => c.Value == cache).Key;
        try
        {
            cache.WriteBack();
        }
        catch (Exception e)
        {
            LogWriteBackFailure(_log, cache.Handle.Path, e);
        }
        Drop(node, cache);
    }

    private void Drop((Mount Mount, ulong Inode) node, PageCache cache)
    {
        _pageCaches.Remove(node);
        cache.Dispose();
        ReleaseCacheHandle(node.Mount, cache, cache.Handle);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "writing back what a mapping of {Path} stored failed; those stores are lost")]
    private static partial void LogWriteBackFailure(ILogger logger, string path, Exception exception);
}
