namespace PtFs.Cli.Mounting;

/// <summary>
/// One mount the command line asks for: a provider at an absolute point (null: over every matching
/// archive file, where it lies), its source and its options.
/// </summary>
internal sealed record MountRequest(string? Point, string Provider, string? Source, Dictionary<string, string> Options)
{
    /// <summary>
    /// The mounts <c>--provider/--source/--at</c>, <c>--mount DIR=NAME[:SOURCE]</c> and
    /// <c>--option [DIR:]KEY=VALUE</c> describe, checked against each other.
    /// </summary>
    public static List<MountRequest> Parse(string? provider, string? source, string? at, IEnumerable<string> mounts, IEnumerable<string> options)
    {
        var requests = new List<MountRequest>();
        if (provider is not null)
        {
            if (at is null && source is not null) throw new UsageException("--source needs --at: where should the program see it?");
            requests.Add(new MountRequest(at is null ? null : Absolute(at), provider, source is null ? null : Path.GetFullPath(source), []));
        }
        else if (source is not null || at is not null)
        {
            throw new UsageException("--source and --at need --provider");
        }
        foreach (string mount in mounts) requests.Add(ParseMount(mount));
        if (requests.Count == 0) throw new UsageException("nothing to mount: give --provider NAME (with --at DIR) or --mount DIR=NAME[:SOURCE]");
        var main = provider is not null || requests.Count == 1 ? requests[0] : null;
        foreach (string option in options) Bind(requests, main, option);
        CheckPoints(requests);
        return requests;
    }

    private static MountRequest ParseMount(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1) throw new UsageException($"--mount wants DIR=NAME[:SOURCE], not '{text}'");
        string rest = text[(equals + 1)..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? rest : rest[..colon];
        string? source = colon < 0 ? null : rest[(colon + 1)..];
        if (name.Length == 0 || source?.Length == 0) throw new UsageException($"--mount wants DIR=NAME[:SOURCE], not '{text}'");
        return new MountRequest(Absolute(text[..equals]), name, source is null ? null : Path.GetFullPath(source), []);
    }

    /// <summary>
    /// <c>KEY=VALUE</c> goes to the --provider mount (or the only mount); <c>DIR:KEY=VALUE</c> to the mount
    /// at DIR, absolute or relative.
    /// </summary>
    private static void Bind(List<MountRequest> requests, MountRequest? main, string option)
    {
        int equals = option.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) throw new UsageException($"--option wants KEY=VALUE or DIR:KEY=VALUE, not '{option}'");
        string key = option[..equals], value = option[(equals + 1)..];
        MountRequest target;
        int colon = key.LastIndexOf(':');
        if (colon > 0)
        {
            string point = Absolute(key[..colon]);
            key = key[(colon + 1)..];
            target = requests.FirstOrDefault(r => r.Point == point) ?? throw new UsageException($"--option {option}: nothing is mounted at {point}");
        }
        else
        {
            target = main ?? throw new UsageException($"--option {option}: with several mounts, say which: --option DIR:{option}");
        }
        if (key.Length == 0) throw new UsageException($"--option wants KEY=VALUE, not '{option}'");
        target.Options[key] = value;
    }

    private static void CheckPoints(List<MountRequest> requests)
    {
        var points = requests.Where(r => r.Point is not null).Select(r => r.Point!).ToList();
        foreach (string point in points)
        {
            if (point == "/") throw new UsageException("cannot mount over / (every path would be the provider's)");
            if (points.Count(p => p == point) > 1) throw new UsageException($"{point} is given as a mount point twice");
            if (points.FirstOrDefault(p => p != point && PtFs.Vfs.PathText.IsWithin(point, p, out _)) is { } outer)
                throw new UsageException($"mount point {point} lies inside the mount at {outer}; mount them side by side");
        }
        if (requests.Count(r => r.Point is null) > 1) throw new UsageException("only one provider can serve archives where they lie");
    }

    private static string Absolute(string path) => PtFs.Vfs.PathText.Normalize(Path.GetFullPath(path));
}
