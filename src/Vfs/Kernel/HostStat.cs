using System.Runtime.InteropServices;

namespace PtFs.Vfs.Kernel;

/// <summary>stat(2) of a real path, for what the VFS must check on the real directories above a mount.</summary>
public static unsafe partial class HostStat
{
    /// <summary>The attributes of <paramref name="path"/> (symlinks followed), or null when it cannot be stat'ed.</summary>
    public static FileStat? Of(string path)
    {
        byte* buffer = stackalloc byte[StatLayout.StatSize];
        return stat(path, buffer) == 0 ? StatLayout.ReadStat(new ReadOnlySpan<byte>(buffer, StatLayout.StatSize)) : null;
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, byte* buffer);
}
