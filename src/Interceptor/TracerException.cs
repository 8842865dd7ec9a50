namespace PtFs.Interceptor;

/// <summary>The tracer could not do what it must (attach, spawn, inject); carries the errno when there is one.</summary>
public class TracerException(string message, int errno = 0) : Exception(message)
{
    public int Errno { get; } = errno;
}
