using PtFs.Interceptor.Region;

namespace PtFs.Interceptor.Memory;

/// <summary>
/// The paper's fast path used as a step of its own: the tracee runs the copy stub between its memory and
/// its slot of the shared region, and the tracer reads or fills the slot in its own mapping. Each call costs
/// one extra stop of the tracee, whatever the size; payloads larger than a slot are moved in slot-sized
/// pieces. Works only for the thread stopped in the current handler callback.
/// </summary>
public sealed class SharedRegionTransport : IMemoryTransport
{
    private readonly SharedRegion _region;
    private readonly SyscallInjector _injector;

    internal SharedRegionTransport(SharedRegion region, SyscallInjector injector)
    {
        _region = region;
        _injector = injector;
    }

    public string Name => "shared_region";

    public Transfer Read(int tid, ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int slot = SlotOf(tid);
            int n = Math.Min(RegionLayout.SlotDataSize, destination.Length - done);
            var moved = _injector.RunCopy(_region, slot, RegionLayout.DataAddress(slot), address + (ulong)done, n);
            _region.Data(slot)[..moved.Bytes].CopyTo(destination[done..]);
            done += moved.Bytes;
            if (moved.Errno != 0) return new Transfer(done, moved.Errno);
        }
        return Transfer.Done(done);
    }

    public Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source)
    {
        int done = 0;
        while (done < source.Length)
        {
            int slot = SlotOf(tid);
            int n = Math.Min(RegionLayout.SlotDataSize, source.Length - done);
            source.Slice(done, n).CopyTo(_region.Data(slot));
            var moved = _injector.RunCopy(_region, slot, address + (ulong)done, RegionLayout.DataAddress(slot), n);
            done += moved.Bytes;
            if (moved.Errno != 0) return new Transfer(done, moved.Errno);
        }
        return Transfer.Done(done);
    }

    private int SlotOf(int tid)
    {
        if (tid != _injector.Tid) throw new InvalidOperationException($"the shared region moves data only for the stopped thread {_injector.Tid}, not {tid}");
        int slot = _region.NextSlot(tid);
        return slot >= 0 ? slot : throw new TracerException("every slot of the shared region is taken");
    }
}
