namespace PtFs.Interceptor.Region;

/// <summary>
/// The machine code the tracer writes on the region's first page. The copy routine takes everything from a
/// control block whose address is in r11 and uses no stack (the red zone and a nearly full stack stay
/// untouched); it preserves every register but rcx and r11 (which a syscall clobbers anyway) and the flags
/// (mov, lea, rep movsb and jmp change none). It assumes DF=0, as every ABI-conforming syscall site has.
/// </summary>
public static class CopyStub
{
    /// <summary>Control block fields, relative to r11.</summary>
    public const int Destination = 0, Source = 8, Length = 16, Resume = 24, SavedRdi = 32, SavedRsi = 40;

    /// <summary>Copies Length bytes from Source to Destination, then jumps to Resume.</summary>
    public const int CopyOffset = 0;

    /// <summary>An int3: a Resume target that hands the tracee back to the tracer (SIGTRAP).</summary>
    public const int TrapOffset = 64;

    /// <summary>
    /// Offsets of the copy routine's instructions that tell how far it got: from RdiSaved on, the program's rdi
    /// is in the control block; from RsiSaved on, its rsi; at Copying, rdi, rsi and rcx say what is left to copy;
    /// past it, the copy is done.
    /// </summary>
    public const int RdiSaved = 4, RsiSaved = 8, Copying = 19;

    public static ReadOnlySpan<byte> Copy =>
    [
        0x49, 0x89, 0x7b, SavedRdi,   //  0: mov [r11+SavedRdi], rdi
        0x49, 0x89, 0x73, SavedRsi,   //  4: mov [r11+SavedRsi], rsi
        0x49, 0x8b, 0x3b,             //  8: mov rdi, [r11+Destination]
        0x49, 0x8b, 0x73, Source,     // 11: mov rsi, [r11+Source]
        0x49, 0x8b, 0x4b, Length,     // 15: mov rcx, [r11+Length]
        0xf3, 0xa4,                   // 19: rep movsb
        0x49, 0x8b, 0x7b, SavedRdi,   // 21: mov rdi, [r11+SavedRdi]
        0x49, 0x8b, 0x73, SavedRsi,   // 25: mov rsi, [r11+SavedRsi]
        0x41, 0xff, 0x63, Resume,     // 29: jmp [r11+Resume]
    ];

    public static void WriteTo(Span<byte> codePage)
    {
        codePage.Fill(0xcc); // int3 everywhere else: a stray jump traps instead of running garbage
        Copy.CopyTo(codePage[CopyOffset..]);
    }

    public static ulong CopyAddress => RegionLayout.TraceeAddress + CopyOffset;

    public static ulong TrapAddress => RegionLayout.TraceeAddress + TrapOffset;
}
