using System.ComponentModel;
using System.Text;
using PtFs.Vfs;

[assembly: PtFsProvider("faulty", typeof(FaultyProvider), Options = typeof(FaultyOptions), Description = "Test only: files that misbehave by name.")]

public sealed class FaultyOptions
{
    [Description("A file to which opens, releases and the slow calls' progress are appended, one line each.")]
    public string Log { get; set; } = "";

    [Description("A path whose appearance lets the slow read and write return.")]
    public string Gate { get; set; } = "";
}

/// <summary>
/// Files that misbehave by name, for the tests of a tracer under faults:
/// <c>ok</c> reads "fine\n"; <c>throws</c> throws from Read, <c>open-throws</c> from Open and
/// <c>stat-throws</c> from GetAttributes; <c>negative</c> and <c>toolong</c> report a count below zero or past
/// the buffer; <c>slow</c> and <c>slow-write</c> block in Read and Write until the
/// gate file exists; <c>release-throws</c> throws from Release. Every open and release is logged with the
/// open's number, so that a test can check each open was released exactly once.
/// </summary>
public sealed class FaultyProvider(FaultyOptions options) : IWritableFileSystemProvider
{
    private static readonly string[] Names = ["ok", "throws", "negative", "toolong", "open-throws", "stat-throws", "slow", "slow-write", "release-throws"];
    private static readonly TimeSpan GateLimit = TimeSpan.FromMinutes(2);
    private static readonly byte[] Fine = Encoding.ASCII.GetBytes("fine\n");
    private int _opens;

    private sealed class Handle(string path, OpenFlags flags, int number) : FileHandle(path, flags)
    {
        public int Number { get; } = number;
    }

    public Errno GetAttributes(string path, out FileStat stat)
    {
        if (path == "/stat-throws") throw new InvalidOperationException("the faulty provider fails this stat on purpose");
        stat = path == "/" ? FileStat.Directory() : FileStat.File(Fine.Length, 0x1B6 /* 0666 */);
        return path == "/" || Names.Contains(path[1..]) ? Errno.Ok : Errno.ENOENT;
    }

    public Errno GetAttributes(FileHandle handle, out FileStat stat) => GetAttributes(handle.Path, out stat);

    public Errno ReadDirectory(string path, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = path == "/" ? Names.Select(n => new DirectoryEntry(n, FileType.Regular)).ToList() : [];
        return path == "/" ? Errno.Ok : Errno.ENOTDIR;
    }

    public Errno ReadLink(string path, out string target)
    {
        target = "";
        return Errno.EINVAL;
    }

    public Errno Open(string path, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        if (path == "/")
        {
            handle = new Handle(path, flags, 0); // the directory: not counted
            return Errno.Ok;
        }
        if (!Names.Contains(path[1..])) return Errno.ENOENT;
        if (path == "/open-throws") throw new InvalidOperationException("the faulty provider fails this open on purpose");
        var opened = new Handle(path, flags, Interlocked.Increment(ref _opens));
        Log($"open {path} #{opened.Number}");
        handle = opened;
        return Errno.Ok;
    }

    public Errno Read(FileHandle handle, long offset, Span<byte> buffer, out int bytesRead)
    {
        bytesRead = 0;
        switch (handle.Path)
        {
            case "/throws":
                throw new InvalidOperationException("the faulty provider fails this read on purpose");
            case "/negative":
                bytesRead = -5;
                return Errno.Ok;
            case "/toolong":
                bytesRead = buffer.Length + 100;
                return Errno.Ok;
            case "/slow":
                Log("slow read begins");
                WaitForGate();
                Log("slow read ends");
                break;
        }
        bytesRead = offset >= Fine.Length ? 0 : (int)Math.Min(buffer.Length, Fine.Length - offset);
        Fine.AsSpan((int)Math.Min(offset, Fine.Length), bytesRead).CopyTo(buffer);
        return Errno.Ok;
    }

    public Errno Write(FileHandle handle, long offset, ReadOnlySpan<byte> data, out int bytesWritten)
    {
        bytesWritten = 0;
        if (handle.Path != "/slow-write") return Errno.EPERM;
        Log("slow write begins");
        WaitForGate();
        Log("slow write ends");
        bytesWritten = data.Length;
        return Errno.Ok;
    }

    public void Release(FileHandle handle)
    {
        if (handle is not Handle { Number: > 0 } released) return;
        Log($"release {released.Path} #{released.Number}");
        if (released.Path == "/release-throws") throw new InvalidOperationException("the faulty provider fails this release on purpose");
    }

    public Errno GetFileSystemStats(out FsStats stats)
    {
        stats = FsStats.Default;
        return Errno.Ok;
    }

    public Errno SetSize(FileHandle handle, long size) => Errno.Ok; // O_TRUNC of slow-write: nothing to cut

    public Errno Flush(FileHandle handle) => Errno.Ok;

    public Errno Create(string path, uint mode, uint uid, uint gid, OpenFlags flags, out FileHandle handle)
    {
        handle = null!;
        return Errno.EPERM;
    }

    public Errno SetSize(string path, long size) => Errno.EPERM;

    public Errno MakeDirectory(string path, uint mode, uint uid, uint gid) => Errno.EPERM;

    public Errno RemoveDirectory(string path) => Errno.EPERM;

    public Errno Unlink(string path) => Errno.EPERM;

    public Errno Rename(string from, string to, RenameFlags flags) => Errno.EPERM;

    public Errno Link(string existing, string newPath) => Errno.EPERM;

    public Errno Symlink(string target, string linkPath, uint uid, uint gid) => Errno.EPERM;

    public Errno SetMode(string path, uint mode) => Errno.EPERM;

    public Errno SetOwner(string path, uint uid, uint gid) => Errno.EPERM;

    public Errno SetTimes(string path, UnixTime? access, UnixTime? modify) => Errno.EPERM;

    /// <summary>Blocks the tracer thread, as a provider stuck on a network share would, until the test opens the gate.</summary>
    private void WaitForGate()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(options.Gate) && waited.Elapsed < GateLimit) Thread.Sleep(10);
    }

    private void Log(string line)
    {
        if (options.Log.Length > 0) File.AppendAllText(options.Log, line + "\n");
    }
}
