using Microsoft.Extensions.Logging;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

// Writing a changed tree back: a new archive beside the old one, then rename(2) over it.
public sealed partial class ZipProvider
{
    private void WriteBack()
    {
        // Through a symlink, the file it names is the archive to replace, not the link.
        string path = new FileInfo(_index.Path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _index.Path;
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.ptfs-{Guid.NewGuid():N}");
        try
        {
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                var writer = new ZipWriter(output);
                Write(writer);
                writer.Finish(_index.Comment);
                output.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            File.Move(temporary, path, overwrite: true);
            LogWrittenBack(_logger, path);
        }
        catch (Exception e)
        {
            // Whatever went wrong, the old archive is untouched and the half-written one goes.
            try { File.Delete(temporary); } catch (IOException) { }
            LogWriteBackFailed(_logger, path, e.Message);
        }
    }

    /// <summary>
    /// Entries in tree order, parents first (without recursion: a program can build a tree deeper than any
    /// stack). Untouched files keep their compressed bytes; a directory gets an entry if the archive had
    /// one, if it is new, or if it is empty (else nothing would keep it).
    /// </summary>
    private void Write(ZipWriter writer)
    {
        var mounted = _asMounted.Select(line => line.Node).ToHashSet();
        var pending = new Stack<(TreeDirectory Directory, string Prefix)>([(Tree.Root, "")]);
        while (pending.TryPop(out var next))
        {
            var directory = next.Directory;
            if (directory != Tree.Root && (_index.ExplicitDirectories.Contains(directory) || !mounted.Contains(directory) || directory.Children.Count == 0))
                writer.AddDirectory(next.Prefix.TrimEnd('/'), directory.Stat.Mode, directory.Stat.ModifyTime);
            var subdirectories = new List<(TreeDirectory, string)>();
            foreach (var (name, node) in directory.Children)
            {
                string entry = next.Prefix + name;
                var stat = node.Stat;
                switch (node)
                {
                    case TreeDirectory child:
                        subdirectories.Add((child, entry + "/"));
                        break;
                    case TreeSymlink link:
                        writer.AddSymlink(entry, link.Target, stat.ModifyTime);
                        break;
                    case TreeFile { Content: ZipEntryContent original }:
                        writer.AddOriginal(entry, stat.Mode, stat.ModifyTime, original.Entry, _index.Archive, original.DataOffset);
                        break;
                    case TreeFile file:
                        writer.AddContent(entry, stat.Mode, stat.ModifyTime, file.Content);
                        break;
                }
            }
            for (int i = subdirectories.Count - 1; i >= 0; i--) pending.Push(subdirectories[i]);
        }
    }

    /// <summary>Everything a write-back would record, node by node: equal before and after means nothing to write.</summary>
    private List<SnapshotLine> Snapshot()
    {
        var lines = new List<SnapshotLine> { new(null, "", Tree.Root, Tree.Root.Stat.Mode, Tree.Root.Stat.ModifyTime, null, null) };
        var pending = new Stack<TreeDirectory>([Tree.Root]);
        while (pending.TryPop(out var directory))
        {
            foreach (var (name, node) in directory.Children)
            {
                lines.Add(new(directory, name, node, node.Stat.Mode, node.Stat.ModifyTime, (node as TreeSymlink)?.Target, (node as TreeFile)?.Content));
                if (node is TreeDirectory child) pending.Push(child);
            }
        }
        return lines;
    }

    /// <summary>One node as mounted, under its parent; nodes and contents compare by reference.</summary>
    private readonly record struct SnapshotLine(TreeDirectory? Parent, string Name, TreeNode Node, uint Mode, UnixTime Modified, string? Target, FileContent? Content);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Archive}: changes written back")]
    private static partial void LogWrittenBack(ILogger logger, string archive);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Archive}: changes could not be written back, the archive is unchanged: {Reason}")]
    private static partial void LogWriteBackFailed(ILogger logger, string archive, string reason);
}
