using System.Buffers.Binary;

namespace PtFs.Interceptor;

/// <summary>
/// Finds a <c>syscall</c> instruction (0f 05) in a process's vDSO, the one code page every process has
/// right after execve. The vDSO is the same image in every process of a kernel, so the offset is found
/// once; the base comes from AT_SYSINFO_EHDR in the process's auxiliary vector.
/// </summary>
internal sealed class VdsoLocator
{
    private const ulong AtSysinfoEhdr = 33;
    private const int VdsoReadSize = 16384;
    private long _syscallOffset = -1;

    public ulong FindSyscallInstruction(int pid)
    {
        ulong vdso = ReadVdsoBase(pid);
        if (_syscallOffset < 0)
        {
            var image = new byte[VdsoReadSize];
            long n = TraceeMemory.Read(pid, vdso, image);
            if (n <= 0) throw new TracerException($"cannot read the vDSO of {pid}: {Errno.Describe((int)-n)}", (int)-n);
            int at = image.AsSpan(0, (int)n).IndexOf([(byte)0x0f, (byte)0x05]);
            if (at < 0) throw new TracerException("the vDSO holds no syscall instruction");
            _syscallOffset = at;
        }
        return vdso + (ulong)_syscallOffset;
    }

    private static ulong ReadVdsoBase(int pid)
    {
        byte[] auxv = File.ReadAllBytes($"/proc/{pid}/auxv");
        for (int i = 0; i + 16 <= auxv.Length; i += 16)
        {
            ulong type = BinaryPrimitives.ReadUInt64LittleEndian(auxv.AsSpan(i));
            if (type == AtSysinfoEhdr) return BinaryPrimitives.ReadUInt64LittleEndian(auxv.AsSpan(i + 8));
        }
        throw new TracerException($"process {pid} has no vDSO");
    }
}
