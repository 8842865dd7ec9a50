using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

public class SyscallTableTests
{
    [Fact]
    public void Docs_syscalls_md_is_what_ptfs_syscalls_prints()
    {
        var run = Ptfs.Run("syscalls");
        run.ExitCode.Should().Be(0);
        File.ReadAllText(Path.Combine(Repository.Root, "docs", "syscalls.md")).Should().Be(run.Stdout, "regenerate with: ./ptfs syscalls > docs/syscalls.md");
    }
}
