using System.Buffers.Binary;
using System.Text;
using PtFs.Interceptor;
using PtFs.Vfs.Dispatch;

namespace PtFs.Cli.Mounting;

/// <summary>
/// Turns an execve the VFS planned (<see cref="ExecPlan"/>) into the syscall the kernel runs: execveat of a
/// snapshot's fd with AT_EMPTY_PATH, or execve of a script's real interpreter, with the new argv built below
/// the stack when a script's interpreter line goes in front.
/// </summary>
internal static class ProgramLauncher
{
    private const int SYS_execve = 59, SYS_execveat = 322, AT_EMPTY_PATH = 0x1000, MaxArguments = 1 << 17;

    public static SyscallAction Execute(SyscallContext context, ExecPlan plan, Action<SyscallContext, long, int> closeAtExit)
    {
        var pointers = new List<ulong>();
        var strings = new List<byte[]> { Encoding.UTF8.GetBytes((plan.Path ?? "") + "\0") };
        strings.AddRange(plan.Prefix.Select(p => Encoding.UTF8.GetBytes(p + "\0")));
        bool rebuilt = plan.Prefix.Count > 0 || plan.Skip > 0;
        if (rebuilt && !ReadArguments(context, plan.Argv, pointers)) return SyscallAction.Fail(14 /* EFAULT */);
        var kept = pointers.Skip(plan.Skip).ToList();

        // The new argv array (prefix strings, then the program's own), then the strings: in the thread's
        // region slot, where a signal handler's stack frame cannot overwrite them before the exec runs.
        int arrayBytes = rebuilt ? 8 * (plan.Prefix.Count + kept.Count + 1) : 0;
        var image = new byte[arrayBytes + strings.Sum(s => s.Length)];
        ulong scratch;
        if (context.TryGetScratch(out var slot, out ulong slotAddress))
        {
            if (image.Length > slot.Length) return SyscallAction.Fail(7 /* E2BIG */);
            scratch = slotAddress;
        }
        else
        {
            scratch = context.StackScratch(image.Length);
        }
        ulong at = scratch + (ulong)arrayBytes;
        var addresses = new List<ulong>();
        int offset = arrayBytes;
        foreach (var s in strings)
        {
            addresses.Add(at);
            s.CopyTo(image, offset);
            offset += s.Length;
            at += (ulong)s.Length;
        }
        if (rebuilt)
        {
            var array = addresses.Skip(1).Concat(kept).Append(0UL).ToList();
            for (int i = 0; i < array.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(8 * i), array[i]);
        }
        if (context.WriteMemory(scratch, image) != image.Length) return SyscallAction.Fail(14 /* EFAULT */);
        ulong argv = rebuilt ? scratch : plan.Argv;

        if (plan.Fd < 0) return SyscallAction.Rewrite(SYS_execve, addresses[0], argv, plan.Envp);
        closeAtExit(context, plan.Fd, SYS_execveat); // it is close-on-exec: only a failed exec leaves it open
        return SyscallAction.Rewrite(SYS_execveat, (ulong)plan.Fd, addresses[0], argv, plan.Envp, AT_EMPTY_PATH);
    }

    /// <summary>The program's argv pointers, up to the NULL (a NULL argv is an empty one, as on Linux).</summary>
    private static bool ReadArguments(SyscallContext context, ulong argv, List<ulong> pointers)
    {
        Span<byte> word = stackalloc byte[8];
        for (ulong address = argv; argv != 0 && pointers.Count < MaxArguments; address += 8)
        {
            if (context.ReadMemory(address, word) != 8) return false;
            ulong pointer = BinaryPrimitives.ReadUInt64LittleEndian(word);
            if (pointer == 0) return true;
            pointers.Add(pointer);
        }
        return argv == 0;
    }
}
