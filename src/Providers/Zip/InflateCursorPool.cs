namespace PtFs.Providers.Zip;

/// <summary>
/// The decompressors kept between reads, for all entries of one archive. A read continues the cursor that
/// stopped at or before its offset, so sequential and forward reads never decompress a byte twice; the
/// pool's size bounds memory however many entries are open (each cursor holds a 32 KiB window and buffers).
/// </summary>
internal sealed class InflateCursorPool(int capacity) : IDisposable
{
    private readonly LinkedList<InflateCursor> _cursors = []; // most recently used first

    /// <summary>The cursor of <paramref name="content"/> closest below or at <paramref name="offset"/>, taken out of the pool.</summary>
    public InflateCursor? Take(ZipEntryContent content, long offset)
    {
        LinkedListNode<InflateCursor>? best = null;
        for (var node = _cursors.First; node is not null; node = node.Next)
        {
            var c = node.Value;
            if (c.Content == content && c.Position <= offset && (best is null || c.Position > best.Value.Position)) best = node;
        }
        if (best is null) return null;
        _cursors.Remove(best);
        return best.Value;
    }

    public void Return(InflateCursor cursor)
    {
        _cursors.AddFirst(cursor);
        while (_cursors.Count > capacity)
        {
            _cursors.Last!.Value.Dispose();
            _cursors.RemoveLast();
        }
    }

    public void Dispose()
    {
        foreach (var cursor in _cursors) cursor.Dispose();
        _cursors.Clear();
    }
}
