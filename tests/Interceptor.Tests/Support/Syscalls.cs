namespace PtFs.Interceptor.Tests.Support;

/// <summary>x86_64 syscall numbers the tests use.</summary>
internal static class Sys
{
    public const int getpid = 39, getppid = 110, gettid = 186, openat = 257;
}
