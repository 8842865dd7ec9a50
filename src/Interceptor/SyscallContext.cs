using System.Text;
using PtFs.Interceptor.Memory;
using PtFs.Interceptor.Native;
using PtFs.Interceptor.Region;

namespace PtFs.Interceptor;

/// <summary>
/// The stopped tracee as the handler sees it: the syscall, its memory, and syscall injection.
/// One instance is reused for every stop; do not keep it beyond the callback.
/// </summary>
public sealed class SyscallContext
{
    private readonly SyscallInjector _injector;
    private readonly SharedRegion? _region;
    private readonly SharedRegionTransport? _regionTransport;
    private TracedThread _thread = null!;

    internal SyscallContext(SyscallInjector injector, SharedRegion? region)
    {
        _injector = injector;
        _region = region;
        _regionTransport = region is null ? null : new SharedRegionTransport(region, injector);
    }

    /// <summary>The slot handed out by <see cref="TryGetPayloadBuffer"/> at this stop, or -1.</summary>
    internal int PayloadSlot { get; private set; } = -1;

    public TracedThread Thread => _thread;

    public TracedProcess Process => _thread.Process;

    public int Pid => _thread.Process.Pid;

    public int Tid => _thread.Tid;

    /// <summary>The syscall being decided or finished (after exec: the execve).</summary>
    public SyscallRequest Request { get; private set; }

    public int Number => Request.Number;

    /// <summary>The registers at this stop (after injections: as they were before them).</summary>
    public ref readonly UserRegs Registers => ref _injector.Registers;

    internal bool Injected => _injector.Active;

    /// <summary>
    /// The tracee died, or another thread's exec replaced it, while the handler worked in it (an injection
    /// failed so): whatever the handler returns is not carried out, and a failure this caused needs no report.
    /// </summary>
    public bool TraceeGone => _injector.Gone;

    internal void Begin(TracedThread thread, in UserRegs regs, InjectionSite site, in SyscallRequest request)
    {
        _thread = thread;
        Request = request;
        _injector.Begin(thread, regs, site);
        PayloadSlot = -1;
    }

    /// <summary>The shared region as a transport for this stopped thread, when its process has the region mapped.</summary>
    public IMemoryTransport? RegionTransport => Process.HasRegion ? _regionTransport : null;

    /// <summary>
    /// A buffer in the shared region for the payload of <see cref="SyscallAction.CompleteWithPayload"/>; fill it
    /// and return that action. False when this process has no region (use <see cref="WriteMemory"/> instead).
    /// </summary>
    public bool TryGetPayloadBuffer(out Span<byte> buffer)
    {
        int slot = _region is not null && Process.HasRegion ? _region.NextSlot(Tid) : -1;
        PayloadSlot = slot;
        buffer = slot < 0 ? default : _region!.Data(slot);
        return slot >= 0;
    }

    /// <summary>
    /// Memory the tracee can read that its own code does not write (a signal frame would land on the stack,
    /// not here): this thread's slot of the shared region, and its address in the tracee. False without a
    /// region.
    /// </summary>
    public bool TryGetScratch(out Span<byte> buffer, out ulong traceeAddress)
    {
        traceeAddress = 0;
        if (!TryGetPayloadBuffer(out buffer)) return false;
        traceeAddress = RegionLayout.DataAddress(PayloadSlot);
        return true;
    }

    /// <summary>
    /// The paper's fast_peekdata: copies <paramref name="destination"/>.Length bytes at <paramref name="address"/>
    /// of task <paramref name="tid"/> (any tracee, usually <see cref="Tid"/>) into the tracer; an unmapped or
    /// unreadable page ends it with EFAULT and the count done, as the kernel's own copy would.
    /// </summary>
    /// <remarks>
    /// The transport is the one bench/results/transport.md found fastest, size by size: process_vm_readv.
    /// The shared region used as a step of its own costs a stop and loses at every size (1.2x at 16 MiB,
    /// 20x at 8 B); /proc/pid/mem is at most 0.8 µs quicker up to 512 B, but it reads pages the program
    /// itself cannot (FOLL_FORCE), which would turn the kernel's EFAULT into success. The region pays off
    /// only folded into a syscall's completion: <see cref="TryGetPayloadBuffer"/>.
    /// </remarks>
    public Transfer FastPeekData(int tid, ulong address, Span<byte> destination) =>
        ProcessVmTransport.Instance.Read(tid, address, destination);

    /// <summary>
    /// The paper's fast_pokedata: the other direction, by process_vm_writev for the same reasons; a
    /// read-only page gives EFAULT, as it would to the program.
    /// </summary>
    public Transfer FastPokeData(int tid, ulong address, ReadOnlySpan<byte> source) =>
        ProcessVmTransport.Instance.Write(tid, address, source);

    /// <summary>Bytes read from this thread's memory, or -errno if none could be.</summary>
    public long ReadMemory(ulong address, Span<byte> destination) => AsResult(FastPeekData(Tid, address, destination));

    /// <summary>Bytes written to this thread's memory, or -errno if none could be.</summary>
    public long WriteMemory(ulong address, ReadOnlySpan<byte> source) => AsResult(FastPokeData(Tid, address, source));

    /// <summary>A NUL-terminated string from the tracee (null if unreadable).</summary>
    public byte[]? ReadCString(ulong address, int maxBytes, out bool truncated) => TraceeMemory.ReadCString(Tid, address, maxBytes, out truncated);

    public string? ReadString(ulong address, int maxBytes = 8192)
    {
        var bytes = ReadCString(address, maxBytes, out _);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Runs syscall <paramref name="number"/> inside the stopped tracee and returns its result (negative errno
    /// on failure). The program's registers are restored before it resumes; a signal that arrives meanwhile is
    /// delivered afterwards; ERESTART* is retried.
    /// </summary>
    public long Inject(int number, params ReadOnlySpan<ulong> args) => _injector.Inject(number, args);

    private static long AsResult(Transfer moved) => moved.Bytes > 0 || moved.Errno == 0 ? moved.Bytes : -moved.Errno;

    /// <summary>
    /// Adds a seccomp filter to the stopped process (to this thread, or with TSYNC to all its threads), on top
    /// of the ones it has: filters only ever stack, and the strictest answer wins. Needs NO_NEW_PRIVS, which
    /// the tracer set at the first exec. Returns seccomp's result.
    /// </summary>
    public unsafe long InstallFilter(SockFilter[] program, bool allThreads)
    {
        const int SYS_seccomp = 317, SECCOMP_FILTER_FLAG_TSYNC = 1;
        int programBytes = program.Length * sizeof(SockFilter);
        ulong scratch = StackScratch(16 + programBytes);
        var image = new byte[16 + programBytes];
        BitConverter.TryWriteBytes(image.AsSpan(0, 2), (ushort)program.Length);
        BitConverter.TryWriteBytes(image.AsSpan(8, 8), scratch + 16);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(program.AsSpan()).CopyTo(image.AsSpan(16));
        long written = WriteMemory(scratch, image);
        if (written != image.Length) return written < 0 ? written : -Constants.EFAULT;
        return Inject(SYS_seccomp, Constants.SECCOMP_SET_MODE_FILTER, allThreads ? (ulong)SECCOMP_FILTER_FLAG_TSYNC : 0, scratch);
    }

    /// <summary>
    /// Gives the stopped process an fd of its own for one of the tracer's open files (a memfd), by an
    /// injected openat of /proc/TRACER/fd/N: the fd in the tracee, or -errno (EACCES when the process may not
    /// look into the tracer, after it dropped privileges).
    /// </summary>
    public long OpenTracerFile(int tracerFd, int flags)
    {
        const int SYS_openat = 257;
        byte[] path = Encoding.ASCII.GetBytes($"/proc/{Environment.ProcessId}/fd/{tracerFd}\0");
        ulong scratch = StackScratch(path.Length);
        long written = WriteMemory(scratch, path);
        if (written != path.Length) return written < 0 ? written : -Constants.EFAULT;
        return Inject(SYS_openat, unchecked((ulong)Constants.AT_FDCWD), scratch, (ulong)flags, 0);
    }

    /// <summary>Scratch memory in the tracee below the stack's red zone, valid until the tracee resumes.</summary>
    public ulong StackScratch(int size) => (Registers.rsp - 128 - (ulong)size - 64) & ~63UL;
}
