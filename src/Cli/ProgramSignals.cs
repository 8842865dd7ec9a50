using System.Runtime.InteropServices;
using PtFs.Interceptor;

namespace PtFs.Cli;

/// <summary>
/// While the program runs, ptfs must outlive the signals meant for the program. Ctrl-C and Ctrl-\ reach the
/// program directly from the terminal (same process group), so ptfs only ignores them; a SIGTERM or SIGHUP
/// sent to ptfs is passed on to the program, which decides when to end, as a shell passes SIGHUP on to its
/// jobs. ptfs ends when the program does, after writing back what it wrote (see MountCommand).
/// </summary>
internal sealed class ProgramSignals : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    public ProgramSignals(Tracer tracer)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                tracer.SignalProgram(15);
            }),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
            {
                c.Cancel = true;
                tracer.SignalProgram(1);
            }),
        ];
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
