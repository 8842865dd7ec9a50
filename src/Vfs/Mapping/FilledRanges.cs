namespace PtFs.Vfs.Mapping;

/// <summary>Which byte ranges of a page cache hold the file's bytes: sorted, disjoint, adjacent ones merged.</summary>
public sealed class FilledRanges
{
    private readonly List<(long From, long To)> _ranges = [];

    public IReadOnlyList<(long From, long To)> All => _ranges;

    /// <summary>The parts of [<paramref name="from"/>, <paramref name="to"/>) not filled yet, in order.</summary>
    public List<(long From, long To)> Gaps(long from, long to)
    {
        var gaps = new List<(long, long)>();
        foreach (var (f, t) in _ranges)
        {
            if (t <= from) continue;
            if (f >= to) break;
            if (f > from) gaps.Add((from, f));
            from = Math.Max(from, t);
        }
        if (from < to) gaps.Add((from, to));
        return gaps;
    }

    public void Add(long from, long to)
    {
        if (from >= to) return;
        int i = 0;
        while (i < _ranges.Count && _ranges[i].To < from) i++;
        while (i < _ranges.Count && _ranges[i].From <= to)
        {
            from = Math.Min(from, _ranges[i].From);
            to = Math.Max(to, _ranges[i].To);
            _ranges.RemoveAt(i);
        }
        _ranges.Insert(i, (from, to));
    }

    /// <summary>The filled range that holds <paramref name="offset"/>, or the start of the next one (long.MaxValue if none).</summary>
    public bool Holds(long offset, out long end)
    {
        foreach (var (f, t) in _ranges)
        {
            if (offset < f)
            {
                end = f;
                return false;
            }
            if (offset < t)
            {
                end = t;
                return true;
            }
        }
        end = long.MaxValue;
        return false;
    }
}
