namespace PtFs.Vfs;

/// <summary>open(2) flags as the program passed them (x86_64 values); the VFS has handled CREAT/EXCL/TRUNC.</summary>
[Flags]
public enum OpenFlags
{
    ReadOnly = 0,
    WriteOnly = 0x1,
    ReadWrite = 0x2,
    AccessMask = 0x3,
    Create = 0x40,
    Exclusive = 0x80,
    NoCtty = 0x100,
    Truncate = 0x200,
    Append = 0x400,
    NonBlock = 0x800,
    DSync = 0x1000,
    Direct = 0x4000,
    LargeFile = 0x8000,
    Directory = 0x10000,
    NoFollow = 0x20000,
    NoAccessTime = 0x40000,
    CloseOnExec = 0x80000,
    Sync = 0x101000,
    Path = 0x200000,
    TmpFile = 0x410000,
}

public static class OpenFlagsExtensions
{
    public static bool CanRead(this OpenFlags flags) => (flags & OpenFlags.AccessMask) != OpenFlags.WriteOnly && (flags & OpenFlags.Path) == 0;

    public static bool CanWrite(this OpenFlags flags) => (flags & OpenFlags.AccessMask) is OpenFlags.WriteOnly or OpenFlags.ReadWrite && (flags & OpenFlags.Path) == 0;
}
