using System.Buffers.Binary;
using System.Security.Cryptography;

/// <summary>
/// AES-256 in counter mode: byte i of a file is XORed with byte i of E(key, nonce || i / 16). Any range
/// can be encrypted or decrypted on its own, so reads and writes at any offset need no neighbours.
/// </summary>
internal sealed class Keystream(byte[] key) : IDisposable
{
    public const int NonceSize = 16;
    private readonly Aes _aes = CreateAes(key);

    /// <summary>XORs <paramref name="data"/>, which sits at <paramref name="offset"/> of the file, with the file's keystream.</summary>
    public void Apply(ReadOnlySpan<byte> nonce, long offset, Span<byte> data)
    {
        if (data.IsEmpty) return;
        long firstBlock = offset / 16;
        int skip = (int)(offset % 16);
        int blocks = (skip + data.Length + 15) / 16;
        var counters = new byte[blocks * 16];
        for (int b = 0; b < blocks; b++)
        {
            nonce[..8].CopyTo(counters.AsSpan(b * 16));
            BinaryPrimitives.WriteInt64BigEndian(counters.AsSpan(b * 16 + 8), BinaryPrimitives.ReadInt64BigEndian(nonce[8..]) ^ (firstBlock + b));
        }
        var stream = _aes.EncryptEcb(counters, PaddingMode.None);
        for (int i = 0; i < data.Length; i++) data[i] ^= stream[skip + i];
    }

    public void Dispose() => _aes.Dispose();

    private static Aes CreateAes(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
