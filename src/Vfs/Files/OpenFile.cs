using PtFs.Vfs.Mounts;

namespace PtFs.Vfs;

/// <summary>
/// An open file description: what dup and fork share by reference (offset, status flags, the provider's
/// handle). The provider's handle is released when the last descriptor referring to it is closed.
/// </summary>
public sealed class OpenFile(Mount mount, FileHandle handle, OpenFlags flags, FileType type, string absolute)
{
    private int _references = 1;

    public Mount Mount { get; } = mount;

    public FileHandle Handle { get; } = handle;

    public FileType Type { get; } = type;

    /// <summary>Which file it is, whatever its name: the provider's inode number, or the synthetic one.</summary>
    public ulong Inode { get; init; }

    /// <summary>
    /// Its absolute path (what getcwd reports after fchdir to it, where dirfd-relative lookups start): the
    /// one it was opened by, moved along by renames of it or of a directory above it.
    /// </summary>
    public string Absolute { get; internal set; } = absolute;

    /// <summary><see cref="Absolute"/> inside its mount, as the provider names it.</summary>
    public string Inside => PathText.IsWithin(Absolute, Mount.Point, out string inside) ? inside : Handle.Path;

    /// <summary>Status flags (O_APPEND, O_NONBLOCK can change through F_SETFL) and the access mode.</summary>
    public OpenFlags Flags { get; set; } = flags;

    public long Offset { get; set; }

    /// <summary>A directory's listing from the last rewind, so that getdents64 offsets stay stable.</summary>
    public IReadOnlyList<DirectoryEntry>? Listing { get; set; }

    public void AddReference() => _references++;

    /// <summary>True when this was the last reference: the caller releases the provider's handle.</summary>
    public bool DropReference() => --_references == 0;
}
