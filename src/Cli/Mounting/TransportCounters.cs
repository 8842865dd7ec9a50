namespace PtFs.Cli.Mounting;

/// <summary>Bytes moved between the programs and the VFS, by way, for <c>--stats</c>.</summary>
internal sealed class TransportCounters
{
    /// <summary>Read payloads the providers wrote into the shared region and the copy stub moved.</summary>
    public long SharedRegion { get; set; }

    /// <summary>What the VFS read from the programs' memory (paths, write buffers, structs) with process_vm_readv.</summary>
    public long FromPrograms { get; set; }

    /// <summary>What the VFS wrote into the programs' memory (large reads, stat buffers, listings) with process_vm_writev.</summary>
    public long ToPrograms { get; set; }
}
