using Microsoft.Extensions.Logging;
using PtFs.Vfs;
using PtFs.Vfs.Tree;

namespace PtFs.Providers.Zip;

// Writing a changed tree back: a new archive beside the old one, then rename(2) over it.
public sealed partial class ZipProvider
{
    private void WriteBack()
    {
        string path = _index.Path;
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.ptfs-{Guid.NewGuid():N}");
        try
        {
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                var writer = new ZipWriter(output);
                Write(writer, Tree.Root, "");
                writer.Finish();
                output.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            File.Move(temporary, path, overwrite: true);
            LogWrittenBack(_logger, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FsException)
        {
            try { File.Delete(temporary); } catch (IOException) { } // nothing else is left behind
            LogWriteBackFailed(_logger, path, e.Message);
        }
    }

    /// <summary>
    /// Entries in tree order, parents first. Untouched files keep their compressed bytes; a directory gets
    /// an entry if the archive had one, if it is new, or if it is empty (else nothing would keep it).
    /// </summary>
    private void Write(ZipWriter writer, TreeDirectory directory, string prefix)
    {
        foreach (var (name, node) in directory.Children)
        {
            string entry = prefix + name;
            var stat = node.Stat;
            switch (node)
            {
                case TreeDirectory child:
                    if (_index.ExplicitDirectories.Contains(child) || !_asMounted.Any(line => line.Node == child) || child.Children.Count == 0)
                        writer.AddDirectory(entry, stat.Mode, stat.ModifyTime);
                    Write(writer, child, entry + "/");
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
    }

    /// <summary>Everything a write-back would record, node by node: equal before and after means nothing to write.</summary>
    private List<SnapshotLine> Snapshot()
    {
        var lines = new List<SnapshotLine> { new($"/ {Tree.Root.Stat.Mode} {Tree.Root.Stat.ModifyTime}", Tree.Root, null) };
        void Walk(TreeDirectory directory, string prefix)
        {
            foreach (var (name, node) in directory.Children)
            {
                var s = node.Stat;
                lines.Add(new($"{prefix}{name}\0{s.Type}\0{s.Mode}\0{s.ModifyTime}\0{(node as TreeSymlink)?.Target}", node, (node as TreeFile)?.Content));
                if (node is TreeDirectory d) Walk(d, prefix + name + "/");
            }
        }
        Walk(Tree.Root, "");
        return lines;
    }

    /// <summary>One node as mounted; the node and its content compare by reference.</summary>
    private readonly record struct SnapshotLine(string Text, TreeNode Node, FileContent? Content);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Archive}: changes written back")]
    private static partial void LogWrittenBack(ILogger logger, string archive);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Archive}: changes could not be written back, the archive is unchanged: {Reason}")]
    private static partial void LogWriteBackFailed(ILogger logger, string archive, string reason);
}
