using System.Diagnostics;

namespace PtFs.EndToEnd.Tests;

/// <summary>
/// A program on a terminal of its own: a tmux server on a private socket, one detached session running the
/// command, keys typed into it and the screen read back. Disposing ends that server (and nothing else) and
/// removes its socket.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _socket = Path.Combine(Path.GetTempPath(), "ptfs-test-tmux-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Starts <paramref name="command"/> (run directly, not by a shell) in <paramref name="directory"/> on a 120x50 terminal.</summary>
    public TmuxSession(string directory, params string[] command) =>
        Tmux(["-f", "/dev/null", "new-session", "-d", "-s", "test", "-x", "120", "-y", "50", "-c", directory, "--", .. command]);

    /// <summary>Types <paramref name="text"/> as it is, then Enter.</summary>
    public void Type(string text)
    {
        Tmux("send-keys", "-t", "test", "-l", text);
        Press("Enter");
    }

    /// <summary>Presses a key by its tmux name, such as C-z.</summary>
    public void Press(string key) => Tmux("send-keys", "-t", "test", key);

    /// <summary>The screen's lines, without the empty ones below the last.</summary>
    public string[] Screen()
    {
        var lines = Tmux("capture-pane", "-p", "-t", "test").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return [.. lines];
    }

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; what never comes is a failure that shows the screen.</summary>
    public string[] WaitFor(string what, Func<string[], bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var screen = Screen();
            if (condition(screen)) return screen;
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"the terminal never showed {what}; it shows:\n{string.Join('\n', screen)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Waits until the session's command has ended (the session, and the server, end with it).</summary>
    public void WaitForEnd()
    {
        var clock = Stopwatch.StartNew();
        while (Run(["has-session", "-t", "test"]).ExitCode == 0)
        {
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"the terminal's program never ended; the terminal shows:\n{string.Join('\n', Screen())}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        Run(["kill-server"]);
        File.Delete(_socket);
    }

    private string Tmux(params string[] arguments)
    {
        var result = Run(arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', arguments)}: {result.Stderr}");
        return result.Stdout;
    }

    private RunResult Run(string[] arguments) => Ptfs.RunNative("tmux", ["-S", _socket, .. arguments]);
}
