namespace PtFs.Vfs;

/// <summary>A provider's way to fail with a precise errno from deep inside its code.</summary>
public class FsException(Errno errno, string? message = null) : Exception(message ?? errno.ToString())
{
    public Errno Errno { get; } = errno;
}
