using System.Buffers;
using System.Buffers.Binary;
using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// read, write and their positional and vectored forms; lseek, ftruncate, fsync.
public sealed partial class VirtualFileSystem
{
    private const int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4, IovMax = 1024;

    private void RegisterIo()
    {
        Register(Sys.read, (c, p) => WithFile(c, p, f => Read(c, f, c.Arg(1), (long)c.Arg(2), null)), fdArgument: 0);
        Register(Sys.pread64, (c, p) => WithFile(c, p, f => Read(c, f, c.Arg(1), (long)c.Arg(2), (long)c.Arg(3))), fdArgument: 0);
        Register(Sys.readv, (c, p) => WithFile(c, p, f => Vectored(c, f, null, write: false)), fdArgument: 0);
        Register(Sys.preadv, (c, p) => WithFile(c, p, f => Vectored(c, f, (long)c.Arg(3), write: false)), fdArgument: 0);
        Register(Sys.preadv2, (c, p) => WithFile(c, p, f => Vectored(c, f, (long)c.Arg(3) == -1 ? null : (long)c.Arg(3), write: false)), fdArgument: 0);
        Register(Sys.write, (c, p) => WithFile(c, p, f => Write(c, f, c.Arg(1), (long)c.Arg(2), null)), fdArgument: 0);
        Register(Sys.pwrite64, (c, p) => WithFile(c, p, f => Write(c, f, c.Arg(1), (long)c.Arg(2), (long)c.Arg(3))), fdArgument: 0);
        Register(Sys.writev, (c, p) => WithFile(c, p, f => Vectored(c, f, null, write: true)), fdArgument: 0);
        Register(Sys.pwritev, (c, p) => WithFile(c, p, f => Vectored(c, f, (long)c.Arg(3), write: true)), fdArgument: 0);
        Register(Sys.pwritev2, (c, p) => WithFile(c, p, f => Vectored(c, f, (long)c.Arg(3) == -1 ? null : (long)c.Arg(3), write: true)), fdArgument: 0);
        Register(Sys.lseek, (c, p) => p.MountListings.TryGetValue((int)c.Arg(0), out var listing)
            ? ObserveThen(c, (_, result) => { if (result == 0) listing.Listed = 0; }) // a rewind lists the mount points again
            : WithFile(c, p, f => Seek(f, (long)c.Arg(1), (int)c.Arg(2))), fdArgument: 0);
        Register(Sys.ftruncate, (c, p) => WithFile(c, p, f => Truncate(f, (long)c.Arg(1))), fdArgument: 0);
        Register(Sys.fsync, (c, p) => WithFile(c, p, Flush), fdArgument: 0);
        Register(Sys.fdatasync, (c, p) => WithFile(c, p, Flush), fdArgument: 0);
    }

    /// <summary>Runs <paramref name="serve"/> on the open file behind the fd in argument 0, if it is virtual.</summary>
    private static SyscallOutcome WithFile(ISyscall call, ProcessFiles process, Func<OpenFile, SyscallOutcome> serve) =>
        process.Fds.TryGet((int)call.Arg(0), out var d) ? serve(d.File) : SyscallOutcome.PassThrough;

    private static Errno CheckReadable(OpenFile file) =>
        !file.Flags.CanRead() ? Errno.EBADF : file.Type == FileType.Directory ? Errno.EISDIR : Errno.Ok;

    /// <summary>
    /// The last read each thread got through the copy stub, when it moved a file offset, in case the copy
    /// faults. A pread through the stub removes its thread's entry, so that its fault moves no offset; an
    /// exiting process takes its threads' entries with it.
    /// </summary>
    private readonly Dictionary<int, (int Pid, OpenFile File, int Length)> _payloadReads = [];

    /// <summary>The copy stub could deliver only <paramref name="copied"/> bytes of the thread's last read: the offset moves back.</summary>
    public void PayloadFaulted(int tid, long copied)
    {
        if (_payloadReads.Remove(tid, out var read)) read.File.Offset -= read.Length - copied;
    }

    private SyscallOutcome Read(ISyscall call, OpenFile file, ulong buffer, long count, long? at)
    {
        var errno = CheckReadable(file);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        if (count < 0 || at < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        long offset = at ?? file.Offset;
        int wanted = (int)Math.Min(count, int.MaxValue - 4095);
        int n;
        SyscallOutcome outcome;
        if (call.TryGetPayloadBuffer(out var slot) && wanted <= slot.Length)
        {
            // The fast path: the provider writes into the region, the tracee's stub copies it out.
            errno = ReadContent(file, offset, slot[..wanted], out n);
            if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
            outcome = SyscallOutcome.WithPayload(n, buffer, n);
        }
        else
        {
            errno = ReadThrough(call, file, offset, buffer, wanted, out n);
            if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
            outcome = SyscallOutcome.Complete(n);
        }
        if (at is null) file.Offset = offset + n;
        if (at is null && outcome.Kind == OutcomeKind.CompleteWithPayload) _payloadReads[call.Tid] = (call.Pid, file, n);
        else _payloadReads.Remove(call.Tid);
        return outcome;
    }

    /// <summary>
    /// A provider's count outside [0, what was asked] is a provider bug: EIO and a log line for the program,
    /// never bytes past its buffer or an offset moved by garbage.
    /// </summary>
    private static int Checked(int n, int asked, FileHandle handle) =>
        (uint)n <= (uint)asked ? n : throw new FsException(Errno.EIO, $"{handle.Path}: the provider reported {n} bytes for a request of {asked}");

    /// <summary>
    /// Reads with a buffer of the tracer's and writes it to the program (large reads, no region); a buffer that
    /// ends early gets the bytes up to its end, as from the kernel's copy.
    /// </summary>
    private Errno ReadThrough(ISyscall call, OpenFile file, long offset, ulong buffer, int count, out int n)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var errno = ReadContent(file, offset, rented.AsSpan(0, count), out n);
            if (errno != Errno.Ok) return errno;
            if (n == 0) return Errno.Ok;
            n = call.WriteMemoryPrefix(buffer, rented.AsSpan(0, n));
            return n > 0 ? Errno.Ok : Errno.EFAULT;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private SyscallOutcome Write(ISyscall call, OpenFile file, ulong buffer, long count, long? at)
    {
        if (!file.Flags.CanWrite()) return SyscallOutcome.Fail(Errno.EBADF);
        if (file.Mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EBADF);
        if (count < 0 || at < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (count == 0) return SyscallOutcome.Complete(0); // nothing written: the size stays, even past a seek
        if ((at ?? file.Offset) > long.MaxValue - count) return SyscallOutcome.Fail(Errno.EFBIG);
        var data = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, Math.Min(count, int.MaxValue - 4095)));
        try
        {
            // A buffer that runs into an unmapped page is written up to it, as the kernel's copy would.
            int length = call.ReadMemoryPrefix(buffer, data.AsSpan(0, (int)Math.Min(count, data.Length)));
            if (length == 0) return SyscallOutcome.Fail(Errno.EFAULT);
            var errno = WriteAt(file, writable, at, data.AsSpan(0, length), out int n);
            return errno != Errno.Ok ? SyscallOutcome.Fail(errno) : SyscallOutcome.Complete(n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>Writes at <paramref name="at"/>, or at the file offset (the end of the file with O_APPEND) and advances it.</summary>
    private Errno WriteAt(OpenFile file, IWritableFileSystemProvider writable, long? at, ReadOnlySpan<byte> data, out int n)
    {
        n = 0;
        long offset = at ?? file.Offset;
        if (file.Flags.HasFlag(OpenFlags.Append))
        {
            var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
            if (errno != Errno.Ok) return errno;
            offset = stat.Size; // Linux appends even for pwrite on an O_APPEND file
        }
        var cache = CacheOf(file);
        cache?.Writing(offset, data.Length);
        var written = writable.Write(file.Handle, offset, data, out n);
        if (written != Errno.Ok) return written;
        Checked(n, data.Length, file.Handle);
        cache?.Written(offset, data[..n]);
        if (at is null) file.Offset = offset + n;
        return Errno.Ok;
    }

    /// <summary>readv/writev and their positional forms: one provider call per iovec, stopping at the first short one.</summary>
    private SyscallOutcome Vectored(ISyscall call, OpenFile file, long? at, bool write)
    {
        int count = (int)call.Arg(2);
        if (count < 0 || count > IovMax || at < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        var vectors = new byte[count * 16];
        if (call.ReadMemory(call.Arg(1), vectors) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        var errno = write ? (file.Flags.CanWrite() && file.Mount.Writable is not null ? Errno.Ok : Errno.EBADF) : CheckReadable(file);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);

        long total = 0, offset = at ?? file.Offset;
        for (int i = 0; i < count; i++)
        {
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(vectors.AsSpan(i * 16));
            long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(vectors.AsSpan(i * 16 + 8));
            if (length < 0) return SyscallOutcome.Fail(Errno.EINVAL);
            if (length == 0) continue;
            var piece = write
                ? Write(call, file, address, length, at is null ? null : offset + total)
                : ReadPiece(call, file, address, length, at is null ? null : offset + total);
            if (piece.Result < 0) return total > 0 ? SyscallOutcome.Complete(total) : piece;
            total += piece.Result;
            if (piece.Result < length) break;
        }
        return SyscallOutcome.Complete(total);
    }

    // A vectored read cannot use the payload path (the stub copies one buffer), so each piece goes through process_vm.
    private SyscallOutcome ReadPiece(ISyscall call, OpenFile file, ulong buffer, long length, long? at)
    {
        long offset = at ?? file.Offset;
        var errno = ReadThrough(call, file, offset, buffer, (int)Math.Min(length, int.MaxValue - 4095), out int n);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        if (at is null) file.Offset = offset + n;
        return SyscallOutcome.Complete(n);
    }

    private static SyscallOutcome Seek(OpenFile file, long offset, int whence)
    {
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        long size = 0;
        if (whence is SEEK_END or SEEK_DATA or SEEK_HOLE)
        {
            var errno = file.Mount.Provider.GetAttributes(file.Handle, out var stat);
            if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
            size = stat.Size;
        }
        long target = whence switch
        {
            SEEK_SET => offset,
            SEEK_CUR => file.Offset + offset,
            SEEK_END => size + offset,
            SEEK_DATA => offset < size ? offset : -1,
            SEEK_HOLE => offset < size ? size : -1,
            _ => long.MinValue,
        };
        if (target == long.MinValue) return SyscallOutcome.Fail(Errno.EINVAL);
        if (target == -1 && whence is SEEK_DATA or SEEK_HOLE) return SyscallOutcome.Fail(Errno.ENXIO);
        if (target < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (file.Type == FileType.Directory && target != file.Offset) file.Listing = null; // a rewind re-reads the directory
        file.Offset = target;
        return SyscallOutcome.Complete(target);
    }

    private SyscallOutcome Truncate(OpenFile file, long size)
    {
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        if (!file.Flags.CanWrite() || file.Type != FileType.Regular) return SyscallOutcome.Fail(Errno.EINVAL);
        if (size < 0) return SyscallOutcome.Fail(Errno.EINVAL);
        if (file.Mount.Writable is not { } writable) return SyscallOutcome.Fail(Errno.EROFS);
        var cache = CacheOf(file);
        cache?.Resizing(size);
        var errno = writable.SetSize(file.Handle, size);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        cache?.Resized(size);
        return SyscallOutcome.Complete(0);
    }

    private SyscallOutcome Flush(OpenFile file)
    {
        if (file.Flags.HasFlag(OpenFlags.Path)) return SyscallOutcome.Fail(Errno.EBADF);
        CacheOf(file)?.WriteBack(); // fsync covers what mappings stored, as on disk
        var errno = file.Mount.Writable?.Flush(file.Handle) ?? Errno.Ok;
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }
}
