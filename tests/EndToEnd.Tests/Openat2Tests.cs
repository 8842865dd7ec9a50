using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// openat2 with every RESOLVE_* flag, on a tree with relative, absolute, escaping, ".." and magic symlinks:
/// openat2_table.c prints what each call of its table opened or which errno it got. It runs on the real tmpfs at
/// /dev/shm (a filesystem of its own below /dev) and under ptfs on a memory and a passthrough mount at /dev/shm, so
/// that entering the mount from /dev and leaving it through ".." cross a mount point on both sides.
/// </summary>
public class Openat2Tests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("passthrough")]
    public void Openat2_walks_a_mount_as_the_kernel_walks_a_real_tmpfs(string provider)
    {
        using var dir = new TempDir();
        using var host = new TempDir();
        string program = dir["openat2_table"];
        var build = Ptfs.RunNative("gcc", "-Wall", "-Werror", "-o", program, Path.Combine(AppContext.BaseDirectory, "openat2_table.c"));
        build.ExitCode.Should().Be(0, build.Stderr);
        File.ReadLines("/proc/self/mountinfo").Should().Contain(line => line.Split(' ')[4] == "/dev/shm",
            "the kernel's side needs /dev/shm to be a mount point, as on systemd machines and in containers");
        string tree = "ptfs-openat2-" + Guid.NewGuid().ToString("N")[..12];
        string[] table = [program, "/dev", "shm", tree, "null"];

        RunResult native;
        try
        {
            native = Ptfs.RunNative(program, table[1..]);
        }
        finally
        {
            if (Directory.Exists($"/dev/shm/{tree}")) Directory.Delete($"/dev/shm/{tree}", recursive: true);
        }
        List<string> arguments = ["mount", "--provider", provider, "--at", "/dev/shm"];
        if (provider == "passthrough") arguments.AddRange(["--source", host.Path]);
        var mounted = Ptfs.Run([.. arguments, "--", .. table]);

        native.ExitCode.Should().Be(0, native.Stderr);
        foreach (string answer in new[] { "EXDEV", "ELOOP", "EAGAIN", "E2BIG", "ok dir tree", "ok reg inner", "ok chr" })
            native.Stdout.Should().Contain(answer, "the table reaches every kind of answer");
        Differences(native.Stdout, mounted.Stdout).Should().BeEmpty($"{provider} under ptfs answers as the kernel (stderr: {mounted.Stderr})");
        mounted.Stderr.Should().BeEmpty();
        mounted.ExitCode.Should().Be(0);
    }

    /// <summary>Each line that differs, as "kernel | ptfs", with lines only one side printed.</summary>
    private static List<string> Differences(string kernel, string ptfs)
    {
        string[] expected = kernel.Split('\n'), actual = ptfs.Split('\n');
        return Enumerable.Range(0, Math.Max(expected.Length, actual.Length))
            .Select(i => (Kernel: i < expected.Length ? expected[i] : "(nothing)", Ptfs: i < actual.Length ? actual[i] : "(nothing)"))
            .Where(pair => pair.Kernel != pair.Ptfs)
            .Select(pair => $"{pair.Kernel} | {pair.Ptfs}")
            .ToList();
    }
}
