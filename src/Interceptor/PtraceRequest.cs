namespace PtFs.Interceptor;

/// <summary>
/// ptrace requests. 0 to 8 are UNIX V6's (the parent posts, the stopped child runs <c>procxmt</c>)
/// and Linux kept their numbers and meanings; the rest are Linux additions the engine needs.
/// </summary>
public enum PtraceRequest : long
{
    /// <summary>V6 0: trace me.</summary>
    TraceMe = 0,
    /// <summary>V6 1: read a word of text.</summary>
    PeekText = 1,
    /// <summary>V6 2: read a word of data.</summary>
    PeekData = 2,
    /// <summary>V6 3: read a word of the user area.</summary>
    PeekUser = 3,
    /// <summary>V6 4: write a word of text.</summary>
    PokeText = 4,
    /// <summary>V6 5: write a word of data.</summary>
    PokeData = 5,
    /// <summary>V6 6: write a word of the user area.</summary>
    PokeUser = 6,
    /// <summary>V6 7: continue with a signal.</summary>
    Cont = 7,
    /// <summary>V6 8: terminate.</summary>
    Kill = 8,
    SingleStep = 9,
    GetRegs = 12,
    SetRegs = 13,
    Attach = 16,
    Detach = 17,
    Syscall = 24,
    SetOptions = 0x4200,
    GetEventMsg = 0x4201,
    GetSigInfo = 0x4202,
    SetSigInfo = 0x4203,
    Seize = 0x4206,
    Interrupt = 0x4207,
    Listen = 0x4208,
    GetSyscallInfo = 0x420e,
}
