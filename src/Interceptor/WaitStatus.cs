using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>A decoded wait(2) status word.</summary>
public readonly record struct WaitStatus(int Raw)
{
    public bool Exited => (Raw & 0x7f) == 0;
    public int ExitCode => (Raw >> 8) & 0xff;
    public bool Signaled => (Raw & 0x7f) != 0 && (Raw & 0x7f) != 0x7f;
    public int TermSignal => Raw & 0x7f;
    public bool Stopped => (Raw & 0xff) == 0x7f;
    public int StopSignal => (Raw >> 8) & 0xff;
    public int Event => (Raw >> 16) & 0xffff;

    /// <summary>A syscall-enter or -exit stop (TRACESYSGOOD sets bit 7 of the signal).</summary>
    public bool IsSyscallStop => Stopped && StopSignal == (Constants.SIGTRAP | 0x80);

    /// <summary>The exit status a shell would report: the code, or 128+N for a death by signal N.</summary>
    public int ShellStatus => Exited ? ExitCode : 128 + TermSignal;
}
