namespace PtFs.Vfs;

/// <summary>
/// The virtual descriptors of one process (threads share it): which kernel fd number stands for which open
/// file description, and its close-on-exec flag. The numbers are real kernel fds (inert placeholders) so
/// the kernel keeps numbering, inheritance and close-on-exec; this table mirrors them.
/// </summary>
public sealed class FdTable
{
    private readonly Dictionary<int, Descriptor> _descriptors = [];

    public int Count => _descriptors.Count;

    public bool TryGet(int fd, out Descriptor descriptor) => _descriptors.TryGetValue(fd, out descriptor);

    public void Set(int fd, OpenFile file, bool closeOnExec) => _descriptors[fd] = new Descriptor(file, closeOnExec);

    public void SetCloseOnExec(int fd, bool closeOnExec)
    {
        if (_descriptors.TryGetValue(fd, out var d)) _descriptors[fd] = d with { CloseOnExec = closeOnExec };
    }

    /// <summary>Forgets <paramref name="fd"/>; returns its file when this was the file's last descriptor.</summary>
    /// <summary>The open files the table refers to (a dup'd one as often as it is referred to).</summary>
    public IEnumerable<OpenFile> Files => _descriptors.Values.Select(d => d.File);

    public OpenFile? Remove(int fd) => _descriptors.Remove(fd, out var d) && d.File.DropReference() ? d.File : null;

    /// <summary>A copy for a forked child: the same open file descriptions, one more reference each.</summary>
    public FdTable Fork()
    {
        var copy = new FdTable();
        foreach (var (fd, d) in _descriptors)
        {
            d.File.AddReference();
            copy._descriptors[fd] = d;
        }
        return copy;
    }

    /// <summary>Descriptors in [first, last] (for close_range, exec and exit).</summary>
    public List<int> Numbers(int first = 0, int last = int.MaxValue, bool onlyCloseOnExec = false) =>
        _descriptors.Where(p => p.Key >= first && p.Key <= last && (!onlyCloseOnExec || p.Value.CloseOnExec)).Select(p => p.Key).ToList();

    public readonly record struct Descriptor(OpenFile File, bool CloseOnExec);
}
