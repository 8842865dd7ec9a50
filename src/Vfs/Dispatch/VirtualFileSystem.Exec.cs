using System.Text;
using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// execve of a program in a mount: the kernel runs a snapshot of it through execveat, and a #! script's
// interpreter the way binfmt_script would.
public sealed partial class VirtualFileSystem
{
    private const int ScriptHeaderMax = 256; // the kernel's BINPRM_BUF_SIZE

    private void RegisterExec()
    {
        Register(Sys.execve, (c, p) => Execute(c, p, Locate(c, p, -1, 0, follow: true), c.ReadPath(c.Arg(0), out string name) == Errno.Ok ? name : "", c.Arg(1), c.Arg(2)),
            treatment: "served: a snapshot run with execveat, #! scripts through their interpreter");
        Register(Sys.execveat, (c, p) =>
        {
            int flags = (int)c.Arg(4), dirfd = (int)c.Arg(0);
            var target = Locate(c, p, 0, 1, (flags & AT_SYMLINK_NOFOLLOW) == 0, (flags & AT_EMPTY_PATH) != 0);
            if (target.Node is { Stat.Type: FileType.Symlink }) return SyscallOutcome.Fail(Errno.ELOOP); // AT_SYMLINK_NOFOLLOW
            string name = c.ReadPath(c.Arg(1), out string given) == Errno.Ok ? given : "";
            // What a script's interpreter is told to open, as the kernel names it: /dev/fd/N or /dev/fd/N/path.
            if (dirfd != AT_FDCWD && !name.StartsWith('/')) name = name.Length == 0 ? $"/dev/fd/{dirfd}" : $"/dev/fd/{dirfd}/{name}";
            return Execute(c, p, target, name, c.Arg(2), c.Arg(3));
        }, treatment: "served: a snapshot run with execveat, #! scripts through their interpreter");
    }

    private SyscallOutcome Execute(ISyscall call, ProcessFiles process, Target target, string name, ulong argv, ulong envp)
    {
        process.ExecutingVirtual = null; // set again below when this execve runs a program from a mount
        if (target.Outcome is { } done) return done;
        // What shared mappings stored is part of the program (and of its snapshot's key).
        if ((target.File is { } open ? CacheOf(open) : target.Node is { Exists: true, Mount: not null } node ? CacheOf(node) : null) is { } cache) cache.WriteBack();
        if (!Executable(call, process, target, out var mount, out string inside, out var stat, out var refused)) return refused;
        var program = new VirtualProgram(target.File?.Absolute ?? target.Node!.Absolute, mount, target.File?.Inode ?? NodeInode(target.Node!));
        if (IsOpenForWriting(program.Mount, program.Inode)) return SyscallOutcome.Fail(Errno.ETXTBSY);
        var header = new byte[ScriptHeaderMax];
        int headerLength = ReadPrefix(mount, inside, target.File, header);
        if (headerLength >= 2 && header[0] == '#' && header[1] == '!')
            return Script(call, process, Encoding.UTF8.GetString(header, 2, headerLength - 2), name.Length > 0 ? name : target.File?.Absolute ?? target.Node!.Absolute, argv, envp);
        long fd = Snapshot(call, mount, inside, target.File, stat);
        if (fd < 0) return SyscallOutcome.Fail((Errno)(-fd));
        process.ExecutingVirtual = program;
        return SyscallOutcome.Execute(new ExecPlan(fd, null, [], 0, argv, envp));
    }

    /// <summary>
    /// A #! script: its interpreter runs with the interpreter line's argument and the script's name in front
    /// of the program's arguments (argv[0] dropped), as the kernel's binfmt_script does. The interpreter may
    /// be real or itself live in a mount (then it must be a binary: nested scripts get ENOEXEC).
    /// </summary>
    private SyscallOutcome Script(ISyscall call, ProcessFiles process, string header, string scriptName, ulong argv, ulong envp)
    {
        int end = header.IndexOf('\n');
        string line = (end < 0 ? header : header[..end]).Trim(' ', '\t');
        int split = line.IndexOfAny([' ', '\t']);
        // Past the kernel's 256 bytes the argument is cut short, but an interpreter's name cut short is ENOEXEC.
        if (line.Length == 0 || (end < 0 && header.Length >= ScriptHeaderMax - 2 && split < 0)) return SyscallOutcome.Fail(Errno.ENOEXEC);
        string interpreter = split < 0 ? line : line[..split];
        string argument = split < 0 ? "" : line[split..].Trim(' ', '\t');
        List<string> prefix = argument.Length > 0 ? [interpreter, argument, scriptName] : [interpreter, scriptName];

        string cwd = process.VirtualCwd ?? (process.KernelCwd ??= call.KernelPath(AT_FDCWD) ?? "/");
        var resolved = _resolver.Resolve(interpreter, cwd, followFinal: true, () => Who(call, process));
        if (resolved.Error != Errno.Ok) return SyscallOutcome.Fail(resolved.Error);
        if (!resolved.IsVirtual) return SyscallOutcome.Execute(new ExecPlan(-1, resolved.Absolute, prefix, 1, argv, envp));
        var target = new Target(null, null, resolved);
        if (!Executable(call, process, target, out var mount, out string inside, out var stat, out var refused)) return refused;
        var program = new VirtualProgram(resolved.Absolute, mount, NodeInode(resolved));
        if (IsOpenForWriting(program.Mount, program.Inode)) return SyscallOutcome.Fail(Errno.ETXTBSY);
        var magic = new byte[2];
        if (ReadPrefix(mount, inside, null, magic) == 2 && magic[0] == '#' && magic[1] == '!') return SyscallOutcome.Fail(Errno.ENOEXEC);
        long fd = Snapshot(call, mount, inside, null, stat);
        if (fd < 0) return SyscallOutcome.Fail((Errno)(-fd));
        process.ExecutingVirtual = program;
        return SyscallOutcome.Execute(new ExecPlan(fd, null, prefix, 1, argv, envp));
    }

    /// <summary>execve's checks on a virtual file: it exists, is a regular file, and may be executed by the caller.</summary>
    private bool Executable(ISyscall call, ProcessFiles process, Target target, out Mounts.Mount mount, out string inside, out FileStat stat, out SyscallOutcome refused)
    {
        refused = default;
        stat = default;
        if (target.File is { } file)
        {
            (mount, inside) = (file.Mount, file.Inside);
            // An O_PATH fd (fexecve) has no provider handle: its attributes come by path.
            var errno = file.Flags.HasFlag(OpenFlags.Path) ? mount.Provider.GetAttributes(inside, out stat) : mount.Provider.GetAttributes(file.Handle, out stat);
            if (errno != Errno.Ok) { refused = SyscallOutcome.Fail(errno); return false; }
        }
        else
        {
            var node = target.Node!;
            (mount, inside, stat) = (node.Mount!, node.Inside, node.Stat);
            if (!node.Exists) { refused = SyscallOutcome.Fail(Errno.ENOENT); return false; }
        }
        if (stat.Type != FileType.Regular || !Permissions.Allows(stat, Who(call, process), Permissions.Execute) || (stat.Mode & 0x49) == 0)
        {
            refused = SyscallOutcome.Fail(Errno.EACCES);
            return false;
        }
        return true;
    }

    /// <summary>The first bytes of the file, read through a handle of its own (or the open file execveat named).</summary>
    private static int ReadPrefix(Mounts.Mount mount, string inside, OpenFile? file, byte[] buffer) =>
        WithReadHandle(mount, inside, file, handle => mount.Provider.Read(handle, 0, buffer, out int n) == Errno.Ok ? Checked(n, buffer.Length, handle) : 0);

    private static long Snapshot(ISyscall call, Mounts.Mount mount, string inside, OpenFile? file, FileStat stat)
    {
        var key = SnapshotKey.Of(mount, inside, stat);
        return WithReadHandle(mount, inside, file, handle => call.ShareSnapshot(key, stat.Size, (offset, buffer) => ReadFully(mount, handle, offset, buffer), executable: true));
    }

    private static T WithReadHandle<T>(Mounts.Mount mount, string inside, OpenFile? file, Func<FileHandle, T> use)
    {
        if (file is not null && file.Flags.CanRead()) return use(file.Handle);
        var errno = mount.Provider.Open(inside, OpenFlags.ReadOnly, out var handle);
        if (errno != Errno.Ok) throw new FsException(errno, $"opening {inside} to run it: {errno}");
        try
        {
            return use(handle);
        }
        finally
        {
            mount.Provider.Release(handle);
        }
    }
}
