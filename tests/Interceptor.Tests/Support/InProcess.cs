namespace PtFs.Interceptor.Tests.Support;

/// <summary>Runs a shell command under an in-process <see cref="Tracer"/>, its stdout captured through a file.</summary>
internal static class InProcess
{
    public static (int Status, string Stdout, Tracer Tracer) Run(SyscallHandler handler, string shellCommand, Region.SharedRegion? region = null)
    {
        using var dir = new TempDir();
        string output = dir["stdout"];
        var tracer = new Tracer(handler, region);
        int status = tracer.Run(new TracerLaunch("/bin/sh", ["-c", $"{shellCommand} > '{output}'"]));
        // Every task's death was reported and accounted for: nothing the tracer tracks outlives the run.
        if (tracer.TrackedTasks != 0) throw new InvalidOperationException($"the tracer still tracks {tracer.TrackedTasks} tasks after the run");
        return (status, File.Exists(output) ? File.ReadAllText(output) : "", tracer);
    }
}
