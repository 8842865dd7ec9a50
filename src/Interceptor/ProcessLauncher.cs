using System.Runtime.InteropServices;
using System.Text;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

/// <summary>
/// Starts the program without fork() from managed code: posix_spawn of
/// <c>/bin/sh -c 'kill -STOP $$; exec "$0" "$@"' PROGRAM ARGS...</c>. The shell stops itself, so the
/// tracer can seize it before the real program's exec, whatever order the two race in.
/// </summary>
internal static unsafe class ProcessLauncher
{
    private const string Shell = "/bin/sh";
    private const string StopThenExec = "kill -STOP $$; exec \"$0\" \"$@\"";

    public static int Spawn(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var argv = new List<string> { "sh", "-c", StopThenExec, program };
        argv.AddRange(arguments);
        var envp = (environment ?? CurrentEnvironment()).Select(kv => $"{kv.Key}={kv.Value}").ToList();

        var allocations = new List<nint>();
        nint attr = (nint)NativeMemory.AllocZeroed(Constants.PosixSpawnAttrSize);
        nint defaults = (nint)NativeMemory.AllocZeroed(Constants.SigSetSize);
        nint mask = (nint)NativeMemory.AllocZeroed(Constants.SigSetSize);
        try
        {
            Libc.posix_spawnattr_init(attr);
            // .NET ignores SIGPIPE for itself; the program must start with the default, as under a shell.
            Libc.sigemptyset(defaults);
            Libc.sigaddset(defaults, Constants.SIGPIPE);
            Libc.sigaddset(defaults, Constants.SIGCHLD);
            Libc.posix_spawnattr_setsigdefault(attr, defaults);
            Libc.sigemptyset(mask);
            Libc.posix_spawnattr_setsigmask(attr, mask);
            Libc.posix_spawnattr_setflags(attr, Constants.POSIX_SPAWN_SETSIGDEF | Constants.POSIX_SPAWN_SETSIGMASK);

            byte** nativeArgv = ToNativeArray(argv, allocations);
            byte** nativeEnvp = ToNativeArray(envp, allocations);
            byte* path = ToNative(Shell, allocations);
            int pid;
            int error = Libc.posix_spawn(&pid, path, 0, attr, nativeArgv, nativeEnvp);
            if (error != 0) throw new TracerException($"cannot start {Shell}: {Errno.Describe(error)}", error);
            return pid;
        }
        finally
        {
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free((void*)attr);
            NativeMemory.Free((void*)defaults);
            NativeMemory.Free((void*)mask);
            foreach (var p in allocations) NativeMemory.Free((void*)p);
        }
    }

    private static Dictionary<string, string> CurrentEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            result[(string)e.Key] = (string?)e.Value ?? "";
        return result;
    }

    private static byte** ToNativeArray(List<string> strings, List<nint> allocations)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(nint));
        allocations.Add((nint)array);
        for (int i = 0; i < strings.Count; i++) array[i] = ToNative(strings[i], allocations);
        return array;
    }

    private static byte* ToNative(string s, List<nint> allocations)
    {
        int length = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        allocations.Add((nint)p);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }
}
