namespace PtFs.Interceptor.Region;

/// <summary>
/// Where the shared region sits and how it is cut up. One memfd backs the region of every traced process,
/// mapped at the same fixed address in each (so a filter or a stub can name it), with the copy stub on its
/// first page (R-X in the tracee) and per-thread slots after it (RW). Pages are allocated only when touched.
/// </summary>
public static class RegionLayout
{
    /// <summary>Far above PIE images (0x55..) and far below the mmap area and stacks (0x7f..).</summary>
    public const ulong TraceeAddress = 0x5ff000000000;

    public const int CodeSize = 4096;

    /// <summary>Each slot: one page for the stub's control block, then the payload.</summary>
    public const int SlotHeaderSize = 4096;

    public const int SlotDataSize = 1 << 20;

    public const int SlotStride = SlotHeaderSize + SlotDataSize;

    public const int SlotCount = 256;

    public const long Size = CodeSize + (long)SlotStride * SlotCount;

    public static long SlotOffset(int slot) => CodeSize + (long)SlotStride * slot;

    public static ulong ControlBlockAddress(int slot) => TraceeAddress + (ulong)SlotOffset(slot);

    public static ulong DataAddress(int slot) => ControlBlockAddress(slot) + SlotHeaderSize;
}
