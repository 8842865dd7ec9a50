using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor.Region;

/// <summary>
/// The tracer's side of the shared region: the memfd, the tracer's own mapping of it, and the slots.
/// A thread owns two slots and alternates between them, so a payload the copy stub is still moving (the
/// tracee resumed but has not stopped again) is never overwritten by the thread's next operation, not
/// even by one made from a signal handler that interrupted the copy.
/// </summary>
public sealed unsafe class SharedRegion : IDisposable
{
    private readonly byte* _base;
    private readonly Stack<int> _free = new(Enumerable.Range(0, RegionLayout.SlotCount).Reverse());
    private readonly Dictionary<int, ThreadSlots> _slots = [];

    public SharedRegion()
    {
        Fd = Libc.memfd_create("ptfs-region", Constants.MFD_CLOEXEC);
        if (Fd < 0) throw Failure("memfd_create");
        if (Libc.ftruncate(Fd, RegionLayout.Size) != 0) throw Failure("ftruncate");
        nint p = Libc.mmap(0, (nuint)RegionLayout.Size, Constants.PROT_READ | Constants.PROT_WRITE, Constants.MAP_SHARED, Fd, 0);
        if (p == -1) throw Failure("mmap");
        _base = (byte*)p;
        CopyStub.WriteTo(new Span<byte>(_base, RegionLayout.CodeSize));
    }

    /// <summary>The memfd, which tracees open through /proc/TRACER/fd/N.</summary>
    public int Fd { get; }

    /// <summary>
    /// The slot <paramref name="tid"/> uses next (the other one of its pair), or -1 when all slots are taken
    /// and the caller must use another transport.
    /// </summary>
    public int NextSlot(int tid)
    {
        if (!_slots.TryGetValue(tid, out var slots))
        {
            if (_free.Count < 2) return -1;
            slots = new ThreadSlots(_free.Pop(), _free.Pop());
            _slots[tid] = slots;
        }
        slots.UseSecond = !slots.UseSecond;
        return slots.UseSecond ? slots.Second : slots.First;
    }

    /// <summary>Threads that hold a pair of slots now (every one is released when its thread is gone).</summary>
    public int ThreadsWithSlots => _slots.Count;

    /// <summary>The thread is gone: its slots may serve another.</summary>
    public void Release(int tid)
    {
        if (!_slots.Remove(tid, out var slots)) return;
        _free.Push(slots.First);
        _free.Push(slots.Second);
    }

    /// <summary>The payload area of <paramref name="slot"/>, as the tracer sees it: a provider may fill it directly.</summary>
    public Span<byte> Data(int slot) => new(_base + RegionLayout.SlotOffset(slot) + RegionLayout.SlotHeaderSize, RegionLayout.SlotDataSize);

    /// <summary>Fills the control block the copy stub reads.</summary>
    public void SetControlBlock(int slot, ulong destination, ulong source, int length, ulong resume)
    {
        var block = new Span<byte>(_base + RegionLayout.SlotOffset(slot), 32);
        BinaryPrimitives.WriteUInt64LittleEndian(block[CopyStub.Destination..], destination);
        BinaryPrimitives.WriteUInt64LittleEndian(block[CopyStub.Source..], source);
        BinaryPrimitives.WriteUInt64LittleEndian(block[CopyStub.Length..], (ulong)length);
        BinaryPrimitives.WriteUInt64LittleEndian(block[CopyStub.Resume..], resume);
    }

    public void Dispose()
    {
        Libc.munmap((nint)_base, (nuint)RegionLayout.Size);
        Libc.close(Fd);
    }

    private static TracerException Failure(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new TracerException($"cannot create the shared region: {call}: {Errno.Describe(errno)}", errno);
    }

    private sealed class ThreadSlots(int first, int second)
    {
        public int First { get; } = first;

        public int Second { get; } = second;

        public bool UseSecond { get; set; }
    }
}
