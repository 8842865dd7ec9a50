namespace PtFs.Interceptor.Tests.Support;

/// <summary>FNV-1a of a byte array as 16 hex digits: the checksum memlab.c prints of the memory it holds.</summary>
internal static class Fnv
{
    public static string Hex(byte[] bytes)
    {
        ulong h = 1469598103934665603UL;
        foreach (byte b in bytes) { h ^= b; h *= 1099511628211UL; }
        return h.ToString("x16");
    }
}
