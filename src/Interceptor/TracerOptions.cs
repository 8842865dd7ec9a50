namespace PtFs.Interceptor;

/// <summary>How to start the program under the tracer.</summary>
public sealed record TracerLaunch(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The program's environment; null passes ptfs's own.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
