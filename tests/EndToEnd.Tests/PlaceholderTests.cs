using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>The fds that stand for virtual files never take or disturb one of the program's own.</summary>
public class PlaceholderTests
{
    [Fact]
    public void The_programs_own_fd_511_survives_virtual_opens_and_closing_it_does_not_break_them()
    {
        using var real = new TempDir();
        string at = "/tmp/ptfs-ph-" + Guid.NewGuid().ToString("N")[..8];
        string script = $$"""
            import os
            open('{{at}}/a', 'w').write('first\n')
            print(open('{{at}}/a').read(), end='')
            os.close(511)
            print(open('{{at}}/a').read(), end='')
            mine = os.open('{{real["mine"]}}', os.O_WRONLY | os.O_CREAT, 0o644)
            os.dup2(mine, 511)
            for i in range(3):
                open(f'{{at}}/f{i}', 'w').write(str(i))
            os.write(511, b'still mine\n')
            print(sorted(os.listdir('{{at}}')), os.readlink('/proc/self/fd/511'))
            """;
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "python3", "-c", script);
        run.Stderr.Should().BeEmpty();
        run.Stdout.Should().Be($"first\nfirst\n['a', 'f0', 'f1', 'f2'] {real["mine"]}\n");
        File.ReadAllText(real["mine"]).Should().Be("still mine\n");
    }
}
