using System.Diagnostics;

namespace PtFs.Tests.Shared;

/// <summary>Runs the real ptfs command line (built next to the tests) as a child process.</summary>
internal static class Ptfs
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ptfs.dll");

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Dll);
        foreach (string a in arguments) info.ArgumentList.Add(a);
        return info;
    }

    public static RunResult Run(params string[] arguments) => RunResult.Of(StartInfo(arguments), DefaultTimeout);

    /// <summary>The same command without ptfs, for side-by-side comparison.</summary>
    public static RunResult RunNative(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        return RunResult.Of(info, DefaultTimeout);
    }

    public static string DotnetHostPath => DotnetHost();

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}

internal sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public static RunResult Of(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not finish in {timeout}");
        }
        process.WaitForExit();
        return new RunResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
