using System.Buffers.Binary;
using PtFs.Vfs.Dispatch;

namespace PtFs.Vfs.Kernel;

/// <summary>
/// openat2's struct open_how { u64 flags, mode, resolve }, read and checked as the kernel does before it looks
/// at the path (copy_struct_from_user, then build_open_flags in fs/open.c): the errors here are the same
/// whatever the path names.
/// </summary>
public readonly record struct OpenHow(ulong Flags, ulong Mode, ResolveFlags Resolve)
{
    /// <summary>OPEN_HOW_SIZE_VER0, the only version so far: a larger struct is a newer program's, zeros past here.</summary>
    public const int Size = 24;

    private const ulong PageSize = 4096;

    // VALID_OPEN_FLAGS: every O_* flag x86_64 has; the kernel's __O_TMPFILE is 0x400000 alone (O_TMPFILE adds O_DIRECTORY).
    private const ulong ValidFlags = 0x3 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 |
        0x10000 | 0x20000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x400000;

    private const ulong BareTmpFile = 0x400000, AllPermissionBits = 0xFFF; // S_IALLUGO
    private const ulong PathOnlyFlags = (ulong)(OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.Path | OpenFlags.CloseOnExec);

    /// <summary>The struct at <paramref name="address"/> of <paramref name="size"/> bytes: EINVAL, E2BIG or EFAULT as the kernel answers.</summary>
    public static Errno Read(ISyscall call, ulong address, ulong size, out OpenHow how)
    {
        how = default;
        if (size < Size) return Errno.EINVAL;
        if (size > PageSize) return Errno.E2BIG;
        if (size > Size)
        {
            // Fields this kernel does not know: a program may pass them only as zeros.
            Span<byte> tail = stackalloc byte[(int)size - Size];
            if (call.ReadMemory(address + Size, tail) != Errno.Ok) return Errno.EFAULT;
            if (tail.ContainsAnyExcept((byte)0)) return Errno.E2BIG;
        }
        Span<byte> bytes = stackalloc byte[Size];
        if (call.ReadMemory(address, bytes) != Errno.Ok) return Errno.EFAULT;
        how = new OpenHow(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            (ResolveFlags)BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]));
        return Errno.Ok;
    }

    /// <summary>EINVAL for what openat2 refuses (unlike open, which drops what it does not know), EAGAIN for RESOLVE_CACHED with a change.</summary>
    public Errno Validate()
    {
        ulong flags = Flags & ~(ulong)OpenFlags.CloseOnExec;
        if ((flags & ~ValidFlags) != 0) return Errno.EINVAL; // the upper 32 bits included
        if ((Resolve & ~ResolveFlags.All) != 0) return Errno.EINVAL;
        if (Resolve.HasFlag(ResolveFlags.Beneath) && Resolve.HasFlag(ResolveFlags.InRoot)) return Errno.EINVAL;
        var open = (OpenFlags)flags;
        bool tmpFile = (flags & BareTmpFile) != 0, creates = open.HasFlag(OpenFlags.Create) || tmpFile;
        if (creates ? (Mode & ~AllPermissionBits) != 0 : Mode != 0) return Errno.EINVAL;
        if (open.HasFlag(OpenFlags.Directory | OpenFlags.Create)) return Errno.EINVAL;
        if (tmpFile && (!open.HasFlag(OpenFlags.Directory) || (open & OpenFlags.AccessMask) == OpenFlags.ReadOnly)) return Errno.EINVAL;
        if (open.HasFlag(OpenFlags.Path) && (flags & ~PathOnlyFlags) != 0) return Errno.EINVAL;
        // RESOLVE_CACHED never waits, and creating or truncating would.
        if (Resolve.HasFlag(ResolveFlags.Cached) && (tmpFile || (open & (OpenFlags.Create | OpenFlags.Truncate)) != 0)) return Errno.EAGAIN;
        return Errno.Ok;
    }
}
