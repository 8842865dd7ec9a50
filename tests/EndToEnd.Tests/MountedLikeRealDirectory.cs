using FluentAssertions;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// Runs a shell script on a real temporary directory and again inside a PtFs mount, and expects the same
/// output and exit status (the root's name aside).
/// </summary>
internal static class MountedLikeRealDirectory
{
    /// <param name="extra">More ptfs mount arguments (--plugin, --option).</param>
    public static void Check(string provider, string script, string? source = null, params string[] extra)
    {
        using var real = new TempDir();
        string mountPoint = Path.Combine(Path.GetTempPath(), "ptfs-mnt-" + Guid.NewGuid().ToString("N")[..12]);
        string Wrapped(string root) => $"ROOT='{root}'; cd \"$ROOT\" || exit 99\n{script}";

        var native = Ptfs.RunNative("/bin/sh", "-c", Wrapped(real.Path));
        List<string> arguments = ["mount", "--provider", provider, "--at", mountPoint];
        if (source is not null) arguments.AddRange(["--source", source]);
        arguments.AddRange(extra);
        arguments.AddRange(["--", "/bin/sh", "-c", Wrapped(mountPoint)]);
        var mounted = Ptfs.Run([.. arguments]);

        string Normalize(string text, string root) => text.Replace(root, "ROOT", StringComparison.Ordinal);
        Normalize(mounted.Stderr, mountPoint).Should().Be(Normalize(native.Stderr, real.Path), "stderr as on a real directory");
        Normalize(mounted.Stdout, mountPoint).Should().Be(Normalize(native.Stdout, real.Path), "stdout as on a real directory");
        mounted.ExitCode.Should().Be(native.ExitCode);
        Directory.Exists(mountPoint).Should().BeFalse("the mount point exists only for the traced program");
    }
}
