using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace PtFs.Interceptor.Strace;

/// <summary>Prints syscall arguments and results the way strace does, from a stopped tracee's memory.</summary>
public static class ArgFormatter
{
    public const int StringLimit = 32;
    private const int AT_FDCWD = -100;

    private static readonly (int Bit, string Name)[] OpenFlagNames =
    [
        (0x40, "O_CREAT"), (0x80, "O_EXCL"), (0x100, "O_NOCTTY"), (0x200, "O_TRUNC"), (0x400, "O_APPEND"),
        (0x800, "O_NONBLOCK"), (0x1000, "O_DSYNC"), (0x2000, "O_ASYNC"), (0x4000, "O_DIRECT"), (0x8000, "O_LARGEFILE"),
        (0x10000, "O_DIRECTORY"), (0x20000, "O_NOFOLLOW"), (0x40000, "O_NOATIME"), (0x80000, "O_CLOEXEC"),
        (0x101000, "O_SYNC"), (0x200000, "O_PATH"), (0x410000, "O_TMPFILE"),
    ];

    private static readonly (int Bit, string Name)[] AtFlagNames =
    [
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
        (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x2000, "AT_STATX_FORCE_SYNC"), (0x4000, "AT_STATX_DONT_SYNC"),
    ];

    /// <summary>Formats an argument that is known at syscall entry; null for kinds printed at exit.</summary>
    public static string? AtEntry(ArgKind kind, ulong value, ulong next, SyscallContext tracee) => kind switch
    {
        ArgKind.Int => ((int)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.Hex or ArgKind.Pointer => Hex(value),
        ArgKind.Size => value.ToString(CultureInfo.InvariantCulture),
        ArgKind.Offset => ((long)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.Fd => ((int)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.DirFd => (int)value == AT_FDCWD ? "AT_FDCWD" : ((int)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.Pathname or ArgKind.Text => CString(tracee, value, 4096),
        ArgKind.OpenFlags => OpenFlags((int)value),
        ArgKind.AtFlags => Flags((int)value, AtFlagNames, "0"),
        ArgKind.Mode => "0" + Convert.ToString((int)value & 0xfff, 8),
        ArgKind.AccessMode => AccessMode((int)value),
        ArgKind.Whence => Whence((int)value),
        ArgKind.FcntlCmd => FcntlCommand((int)value),
        ArgKind.InBuffer => Buffer(tracee, value, (long)Math.Min(next, int.MaxValue)),
        ArgKind.Argv => Argv(tracee, value),
        ArgKind.Envp => $"{Hex(value)} /* {CountPointers(tracee, value)} vars */",
        _ => null,
    };

    /// <summary>Formats an argument the kernel filled, once the result is known.</summary>
    public static string AtExit(ArgKind kind, ulong value, long result, SyscallContext tracee)
    {
        if (result < 0) return Hex(value);
        return kind switch
        {
            ArgKind.OutBuffer => Buffer(tracee, value, result),
            ArgKind.StatBuffer => Stat(tracee, value),
            ArgKind.FdPair => FdPair(tracee, value),
            _ => Hex(value),
        };
    }

    public static string Result(int number, long result)
    {
        if (result < 0 && result >= -4095)
        {
            int errno = (int)-result;
            return errno >= 512 ? $"? {Errno.Name(errno)}" : $"-1 {Errno.Name(errno)} ({Errno.Message(errno)})";
        }
        return number == 9 ? Hex((ulong)result) : result.ToString(CultureInfo.InvariantCulture);
    }

    public static string Hex(ulong value) => value == 0 ? "NULL" : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string CString(SyscallContext tracee, ulong address, int limit)
    {
        if (address == 0) return "NULL";
        var bytes = tracee.ReadCString(address, limit, out bool truncated);
        return bytes is null ? Hex(address) : Quote(bytes, truncated);
    }

    private static string Buffer(SyscallContext tracee, ulong address, long length)
    {
        if (address == 0) return "NULL";
        var bytes = new byte[(int)Math.Min(length, StringLimit)];
        long n = tracee.ReadMemory(address, bytes);
        if (n < 0) return Hex(address);
        return Quote(bytes.AsSpan(0, (int)n), truncated: length > StringLimit);
    }

    private static string Quote(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var text = new StringBuilder(bytes.Length + 8).Append('"');
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'\r' => "\\r",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => "\\" + Convert.ToString(b, 8),
            });
        }
        text.Append('"');
        if (truncated) text.Append("...");
        return text.ToString();
    }

    private static string OpenFlags(int flags)
    {
        string access = (flags & 3) switch { 0 => "O_RDONLY", 1 => "O_WRONLY", 2 => "O_RDWR", _ => "O_ACCMODE" };
        string rest = Flags(flags & ~3, OpenFlagNames, "");
        return rest.Length == 0 ? access : access + "|" + rest;
    }

    private static string Flags(int flags, (int Bit, string Name)[] names, string none)
    {
        var parts = new List<string>();
        foreach (var (bit, name) in names.OrderByDescending(n => BitCount(n.Bit)))
        {
            if ((flags & bit) != bit) continue;
            parts.Add(name);
            flags &= ~bit;
        }
        if (flags != 0) parts.Add("0x" + flags.ToString("x", CultureInfo.InvariantCulture));
        return parts.Count == 0 ? none : string.Join('|', parts);
    }

    private static int BitCount(int value) => System.Numerics.BitOperations.PopCount((uint)value);

    private static string AccessMode(int mode) => mode == 0 ? "F_OK" : string.Join('|',
        new[] { (4, "R_OK"), (2, "W_OK"), (1, "X_OK") }.Where(m => (mode & m.Item1) != 0).Select(m => m.Item2));

    private static string Whence(int whence) => whence switch
    {
        0 => "SEEK_SET", 1 => "SEEK_CUR", 2 => "SEEK_END", 3 => "SEEK_DATA", 4 => "SEEK_HOLE",
        _ => whence.ToString(CultureInfo.InvariantCulture),
    };

    private static string FcntlCommand(int command) => command switch
    {
        0 => "F_DUPFD", 1 => "F_GETFD", 2 => "F_SETFD", 3 => "F_GETFL", 4 => "F_SETFL", 5 => "F_GETLK",
        6 => "F_SETLK", 7 => "F_SETLKW", 1024 => "F_SETLEASE", 1025 => "F_GETLEASE", 1030 => "F_DUPFD_CLOEXEC",
        1031 => "F_SETPIPE_SZ", 1032 => "F_GETPIPE_SZ", 1033 => "F_ADD_SEALS", 1034 => "F_GET_SEALS",
        _ => command.ToString(CultureInfo.InvariantCulture),
    };

    private static string Argv(SyscallContext tracee, ulong address)
    {
        if (address == 0) return "NULL";
        var items = new List<string>();
        Span<byte> pointer = stackalloc byte[8];
        for (int i = 0; i < 32; i++)
        {
            if (tracee.ReadMemory(address + (ulong)(8 * i), pointer) != 8) return Hex(address);
            ulong item = BinaryPrimitives.ReadUInt64LittleEndian(pointer);
            if (item == 0) return "[" + string.Join(", ", items) + "]";
            items.Add(CString(tracee, item, 4096));
        }
        return "[" + string.Join(", ", items) + ", ...]";
    }

    private static int CountPointers(SyscallContext tracee, ulong address)
    {
        Span<byte> pointer = stackalloc byte[8];
        int count = 0;
        while (address != 0 && count < 65536 && tracee.ReadMemory(address + (ulong)(8 * count), pointer) == 8 &&
               BinaryPrimitives.ReadUInt64LittleEndian(pointer) != 0)
            count++;
        return count;
    }

    private static string Stat(SyscallContext tracee, ulong address)
    {
        Span<byte> stat = stackalloc byte[144];
        if (tracee.ReadMemory(address, stat) != stat.Length) return Hex(address);
        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(stat[24..]);
        long size = BinaryPrimitives.ReadInt64LittleEndian(stat[48..]);
        string type = (mode & 0xf000) switch
        {
            0x8000 => "S_IFREG", 0x4000 => "S_IFDIR", 0xa000 => "S_IFLNK", 0x2000 => "S_IFCHR",
            0x6000 => "S_IFBLK", 0x1000 => "S_IFIFO", 0xc000 => "S_IFSOCK", _ => "0",
        };
        return $"{{st_mode={type}|0{Convert.ToString(mode & 0xfff, 8)}, st_size={size}, ...}}";
    }

    private static string FdPair(SyscallContext tracee, ulong address)
    {
        Span<byte> fds = stackalloc byte[8];
        if (tracee.ReadMemory(address, fds) != 8) return Hex(address);
        return $"[{BinaryPrimitives.ReadInt32LittleEndian(fds)}, {BinaryPrimitives.ReadInt32LittleEndian(fds[4..])}]";
    }
}
