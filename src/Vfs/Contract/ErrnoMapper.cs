namespace PtFs.Vfs;

/// <summary>
/// The one place exceptions from providers become errno: a provider bug costs the program an EIO, never
/// the tracer. <see cref="IsUnexpected"/> says which ones deserve a log line.
/// </summary>
public static class ErrnoMapper
{
    public static Errno From(Exception exception) => exception switch
    {
        FsException fs => fs.Errno,
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        UnauthorizedAccessException => Errno.EACCES,
        PathTooLongException => Errno.ENAMETOOLONG,
        IOException io when io.HResult is > 0 and < 4096 => (Errno)io.HResult,
        OutOfMemoryException => Errno.ENOMEM,
        _ => Errno.EIO,
    };

    /// <summary>Not a failure a provider meant to report: worth a log line with the stack.</summary>
    public static bool IsUnexpected(Exception exception) => From(exception) == Errno.EIO && exception is not FsException;
}
