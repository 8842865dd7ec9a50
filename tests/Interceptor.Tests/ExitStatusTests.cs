using FluentAssertions;
using PtFs.Interceptor.Tests.Support;
using Xunit;

namespace PtFs.Interceptor.Tests;

/// <summary>ptfs exits as the program did, the way a shell reports it.</summary>
public class ExitStatusTests
{
    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 7", 7)]
    [InlineData("exit 255", 255)]
    public void Exit_code_of_the_program_becomes_ptfs_exit_code(string script, int expected)
    {
        Ptfs.Run("trace", "-o", "/dev/null", "--", "sh", "-c", script).ExitCode.Should().Be(expected);
    }

    [Theory]
    [InlineData("SEGV", 139)]
    [InlineData("TERM", 143)]
    [InlineData("KILL", 137)]
    public void Death_by_signal_becomes_128_plus_the_signal(string signal, int expected)
    {
        Ptfs.Run("trace", "-o", "/dev/null", "--", "sh", "-c", $"kill -{signal} $$").ExitCode.Should().Be(expected);
    }

    [Fact]
    public void A_missing_program_is_one_clear_line_and_exit_code_2()
    {
        var result = Ptfs.Run("trace", "--", "no-such-program-ptfs");
        result.ExitCode.Should().Be(2);
        result.Stderr.Trim().Should().Be("ptfs: no-such-program-ptfs: program not found");
    }

    [Fact]
    public void Program_options_after_the_program_belong_to_the_program()
    {
        var result = Ptfs.Run("trace", "-o", "/dev/null", "echo", "-o", "--stats", "@notaresponsefile");
        result.ExitCode.Should().Be(0);
        result.Stdout.Should().Be("-o --stats @notaresponsefile\n");
    }
}
