namespace PtFs.Vfs.Tree;

/// <summary>A node of a <see cref="FileTree"/>: its attributes, kept up to date by whoever changes it.</summary>
public abstract class TreeNode
{
    private FileStat _stat;

    protected TreeNode(FileStat stat) => _stat = stat;

    public ref FileStat Stat => ref _stat;

    public FileType Type => _stat.Type;
}

/// <summary>A directory: its children by name, in the order they were added.</summary>
public sealed class TreeDirectory(FileStat stat) : TreeNode(stat)
{
    public OrderedDictionary<string, TreeNode> Children { get; } = new(StringComparer.Ordinal);
}

/// <summary>A regular file: its bytes come from <see cref="Content"/>.</summary>
public sealed class TreeFile(FileStat stat, FileContent content) : TreeNode(stat)
{
    public FileContent Content { get; set; } = content;
}

public sealed class TreeSymlink(FileStat stat, string target) : TreeNode(stat)
{
    public string Target { get; } = target;
}
