using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>Turns a failed PTRACE_SEIZE into one line a user can act on.</summary>
internal static class PtraceRefusal
{
    public static string Explain(int errno)
    {
        string reason = errno switch
        {
            Constants.EPERM => ReadYamaScope() is int scope and > 0
                ? $"the kernel refused ptrace (EPERM): /proc/sys/kernel/yama/ptrace_scope is {scope}, or the program is already traced (by a debugger, strace or another ptfs)"
                : "the kernel refused ptrace (EPERM): the program is already traced (by a debugger, strace or another ptfs), or a security policy forbids ptrace here",
            Constants.ENOSYS => "ptrace is not available here (ENOSYS): a seccomp profile or the kernel denies it",
            _ => $"ptrace failed: {Errno.Describe(errno)}",
        };
        return $"cannot trace the program: {reason}";
    }

    private static int? ReadYamaScope()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim()); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
