using PtFs.Interceptor;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>
/// Makes the inert kernel fds that stand for virtual files. The first one in a process costs four injected
/// syscalls (open "/" with O_PATH, keep a copy at fd 511 as a template, move the fd above the floor, close
/// the low one); every later one is a single F_DUPFD of the template, in the stop the program's open
/// already paid for. The template is checked before use (/proc/PID/fdinfo: still O_PATH), because the
/// program may have closed or replaced fd 511.
/// </summary>
internal sealed class Placeholders
{
    private const int SYS_close = 3, SYS_fcntl = 72, SYS_openat = 257, SYS_dup3 = 292, AT_FDCWD = -100;
    private const int O_PATH = 0x200000, O_CLOEXEC = 0x80000, F_DUPFD = 0, F_DUPFD_CLOEXEC = 1030;
    private const int Template = VirtualFileSystem.VirtualFdFloor - 1;

    // Processes that have a template (fork copies it, exec closes it: it is close-on-exec).
    private readonly HashSet<int> _withTemplate = [];

    public long Create(SyscallContext context, bool closeOnExec)
    {
        ulong command = (ulong)(closeOnExec ? F_DUPFD_CLOEXEC : F_DUPFD);
        if (_withTemplate.Contains(context.Pid) && TemplateIntact(context.Pid))
            return context.Inject(SYS_fcntl, Template, command, VirtualFileSystem.VirtualFdFloor);

        ulong slash = context.StackScratch(8);
        if (context.WriteMemory(slash, "/\0"u8) != 2) return -14; // EFAULT
        long low = context.Inject(SYS_openat, unchecked((ulong)AT_FDCWD), slash, O_PATH | O_CLOEXEC);
        if (low < 0) return low;
        if (new FileInfo($"/proc/{context.Pid}/fd/{Template}").LinkTarget is null && context.Inject(SYS_dup3, (ulong)low, Template, O_CLOEXEC) == Template)
            _withTemplate.Add(context.Pid);
        long fd = context.Inject(SYS_fcntl, (ulong)low, command, VirtualFileSystem.VirtualFdFloor);
        context.Inject(SYS_close, (ulong)low);
        return fd;
    }

    public void Forked(int parent, int child)
    {
        if (_withTemplate.Contains(parent)) _withTemplate.Add(child);
    }

    public void Forget(int pid) => _withTemplate.Remove(pid);

    private static bool TemplateIntact(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/fdinfo/{Template}"))
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                    return (Convert.ToInt32(line[6..].Trim(), 8) & O_PATH) != 0;
        }
        catch (IOException)
        {
            // Closed by the program: make a new one.
        }
        return false;
    }
}
