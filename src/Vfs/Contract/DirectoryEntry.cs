namespace PtFs.Vfs;

/// <summary>One name in a directory listing; the VFS adds "." and "..". Inode 0 lets the VFS number it.</summary>
public readonly record struct DirectoryEntry(string Name, FileType Type, ulong Inode = 0);
