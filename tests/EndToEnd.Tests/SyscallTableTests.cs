using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

public class SyscallTableTests
{
    [Fact]
    public void Docs_syscalls_md_is_what_ptfs_syscalls_prints()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PtFs.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("PtFs.sln");
        var run = Ptfs.Run("syscalls");
        run.ExitCode.Should().Be(0);
        File.ReadAllText(Path.Combine(root, "docs", "syscalls.md")).Should().Be(run.Stdout, "regenerate with: ./ptfs syscalls > docs/syscalls.md");
    }
}
