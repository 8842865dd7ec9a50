namespace PtFs.Vfs;

/// <summary>The kinds of node a provider can serve (the S_IFMT bits they encode to).</summary>
public enum FileType
{
    Regular = 0x8000,
    Directory = 0x4000,
    Symlink = 0xA000,
}
