namespace PtFs.Providers.Zip;

/// <summary>One entry of a zip's central directory, with the ZIP64 sizes and extended timestamp applied.</summary>
internal sealed record ZipEntryRecord(
    string Name,
    ushort MadeBy,
    ushort Flags,
    ushort Method,
    uint Crc32,
    long CompressedSize,
    long Size,
    long LocalHeaderOffset,
    uint ExternalAttributes,
    DateTimeOffset Modified,
    ushort DosTime,
    ushort DosDate)
{
    public const ushort Stored = 0, Deflated = 8;

    /// <summary>The archiver ran on Unix (made-by host 3): the high 16 bits of the attributes are st_mode.</summary>
    public uint? UnixMode => MadeBy >> 8 == 3 && ExternalAttributes >> 16 != 0 ? ExternalAttributes >> 16 : null;

    public bool IsEncrypted => (Flags & 1) != 0;

    /// <summary>Bit 3: CRC and sizes follow the data in a descriptor (the local header has zeros).</summary>
    public bool HasDataDescriptor => (Flags & 8) != 0;

    public bool IsDirectory => Name.EndsWith('/') || (UnixMode is { } mode ? (mode & 0xF000) == 0x4000 : (ExternalAttributes & 0x10) != 0);
}
