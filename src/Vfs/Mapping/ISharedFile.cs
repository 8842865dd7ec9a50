namespace PtFs.Vfs.Mapping;

/// <summary>
/// Bytes in memory that PtFs and the traced processes both map (a memfd on Linux): what a shared mapping
/// of a virtual file maps, so that the program's stores and PtFs's reads and writes meet in one place.
/// </summary>
public interface ISharedFile : IDisposable
{
    /// <summary>The size; setting it cuts or extends with zeros, as ftruncate does.</summary>
    long Length { get; set; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; fewer bytes only past the end.</summary>
    int Read(long offset, Span<byte> buffer);

    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Whether process <paramref name="pid"/> still maps it (munmap is not trapped: this asks /proc/PID/maps).</summary>
    bool IsMappedBy(int pid);
}
