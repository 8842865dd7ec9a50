using System.Buffers.Binary;

namespace PtFs.Interceptor.Memory;

/// <summary>
/// PTRACE_PEEKDATA/POKEDATA, one machine word per syscall: the baseline the paper measures against.
/// Unaligned edges are read-modify-written a word at a time. Writes reach read-only pages (ptrace forces them).
/// </summary>
public sealed class PtracePeekPokeTransport : IMemoryTransport
{
    private const int Word = 8;

    public static PtracePeekPokeTransport Instance { get; } = new();

    public string Name => "ptrace_peekpoke";

    public Transfer Read(int tid, ulong address, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[Word];
        int done = 0;
        while (done < destination.Length)
        {
            var (aligned, skip, n) = NextWord(address, done, destination.Length);
            int errno = Ptrace.PeekData(tid, aligned, out long value);
            if (errno != 0) return new Transfer(done, Efault(errno));
            BinaryPrimitives.WriteInt64LittleEndian(word, value);
            word.Slice(skip, n).CopyTo(destination[done..]);
            done += n;
        }
        return Transfer.Done(done);
    }

    public Transfer Write(int tid, ulong address, ReadOnlySpan<byte> source)
    {
        Span<byte> word = stackalloc byte[Word];
        int done = 0;
        while (done < source.Length)
        {
            var (aligned, skip, n) = NextWord(address, done, source.Length);
            if (n < Word)
            {
                // A partial word keeps the bytes around it.
                int errno = Ptrace.PeekData(tid, aligned, out long old);
                if (errno != 0) return new Transfer(done, Efault(errno));
                BinaryPrimitives.WriteInt64LittleEndian(word, old);
            }
            source.Slice(done, n).CopyTo(word[skip..]);
            int pokeErrno = Ptrace.PokeData(tid, aligned, BinaryPrimitives.ReadInt64LittleEndian(word));
            if (pokeErrno != 0) return new Transfer(done, Efault(pokeErrno));
            done += n;
        }
        return Transfer.Done(done);
    }

    /// <summary>The word holding byte <paramref name="done"/> of the range: its address, where the range starts in it, and how many of its bytes the range covers.</summary>
    private static (ulong Aligned, int Skip, int Count) NextWord(ulong address, int done, int length)
    {
        ulong at = address + (ulong)done;
        ulong aligned = at & ~(ulong)(Word - 1);
        int skip = (int)(at - aligned);
        return (aligned, skip, Math.Min(Word - skip, length - done));
    }

    // The kernel says EIO for an unmapped address here; the transports all call it EFAULT.
    private static int Efault(int errno) => errno == 5 ? 14 : errno;
}
