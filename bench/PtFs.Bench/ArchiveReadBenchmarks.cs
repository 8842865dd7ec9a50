using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using PtFs.Providers.Zip;
using PtFs.Vfs;

namespace PtFs.Bench;

/// <summary>
/// What reading a zip entry costs the provider (no tracer): a whole deflated or stored entry in 128 KiB
/// reads, and one 4 KiB read just behind the previous one, which for a deflated entry means decompressing
/// again from its start (deflate keeps no seek points), and for a stored one is a pread.
/// </summary>
public class ArchiveReadBenchmarks
{
    private const int Chunk = 128 * 1024, Small = 4096;
    private readonly byte[] _buffer = new byte[Chunk];
    private string _archive = "";
    private ZipProvider _zip = null!;
    private FileHandle _deflated = null!, _stored = null!;

    /// <summary>Entry size in bytes.</summary>
    [Params(4 << 20, 64 << 20)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _archive = Path.Combine(Path.GetTempPath(), $"ptfs-bench-{Guid.NewGuid():N}.zip");
        var random = new Random(1);
        var text = new byte[Size];
        for (int i = 0; i < text.Length; i++) text[i] = (byte)('a' + random.Next(16)); // compresses about 2:1, like text
        using (var zip = ZipFile.Open(_archive, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("deflated", CompressionLevel.Optimal).Open()) s.Write(text);
            using (var s = zip.CreateEntry("stored", CompressionLevel.NoCompression).Open()) s.Write(text);
        }
        _zip = new ZipProvider(new MountSettings(_archive, new Dictionary<string, string>()));
        _zip.Open("/deflated", OpenFlags.ReadOnly, out _deflated);
        _zip.Open("/stored", OpenFlags.ReadOnly, out _stored);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _zip.Dispose();
        File.Delete(_archive);
    }

    [Benchmark]
    public long DeflatedWhole() => ReadWhole(_deflated);

    [Benchmark]
    public long StoredWhole() => ReadWhole(_stored);

    [Benchmark]
    public int DeflatedBackward() => Backward(_deflated);

    [Benchmark]
    public int StoredBackward() => Backward(_stored);

    private long ReadWhole(FileHandle handle)
    {
        long total = 0;
        while (_zip.Read(handle, total, _buffer, out int n) == Errno.Ok && n > 0) total += n;
        return total;
    }

    /// <summary>Reads the last 4 KiB, then the 4 KiB before them.</summary>
    private int Backward(FileHandle handle)
    {
        _zip.Read(handle, Size - Small, _buffer.AsSpan(0, Small), out int last);
        _zip.Read(handle, Size - 2 * Small, _buffer.AsSpan(0, Small), out int before);
        return last + before;
    }
}
