using System.Globalization;
using PtFs.Interceptor.Native;

namespace PtFs.Interceptor;

// Births, execs and deaths of tracees, in whatever order the kernel reports them.
public sealed partial class Tracer
{
    /// <summary>
    /// Registers a task seen for the first time, through its parent's fork/vfork/clone event or through its
    /// own first stop (which may come first). /proc says whether it is a thread and of which process.
    /// </summary>
    private TracedThread Adopt(int tid, TracedThread? creator, bool knownProcess = false)
    {
        TracedProcess process;
        var (tgid, ppid) = knownProcess ? (tid, 0) : ReadIds(tid);
        if (tgid != tid && _processes.TryGetValue(tgid, out var owner))
        {
            process = owner;
        }
        else
        {
            var parent = creator?.Process ?? _processes.GetValueOrDefault(ppid);
            bool filtered = parent?.HasFilter ?? _processes.Values.Any(p => p.HasFilter);
            process = new TracedProcess(tid, parent, filtered, hasRegion: parent?.HasRegion ?? false);
            _processes[tid] = process;
            Guard(() => _handler.OnProcessStart(process));
        }
        var thread = new TracedThread(tid, process);
        process.Threads.Add(thread);
        _threads[tid] = thread;
        return thread;
    }

    private static (int Tgid, int PPid) ReadIds(int tid)
    {
        int tgid = tid, ppid = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{tid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal)) tgid = int.Parse(line.AsSpan(5).Trim(), CultureInfo.InvariantCulture);
                else if (line.StartsWith("PPid:", StringComparison.Ordinal)) { ppid = int.Parse(line.AsSpan(5).Trim(), CultureInfo.InvariantCulture); break; }
            }
        }
        catch (IOException)
        {
            // Already gone: its death is reported next; a process of its own is as good as any.
        }
        return (tgid, ppid);
    }

    private void OnNewChildEvent(TracedThread parent)
    {
        // A child whose first stop came first was adopted then, and may even have died since: adopting it
        // again would leave a task that never reports.
        if (Ptrace.GetEventMessage(parent.Tid, out ulong child) == 0 && !_adoptedBeforeEvent.Remove((int)child) &&
            !_threads.ContainsKey((int)child))
            Adopt((int)child, parent);
        Resume(parent, 0);
    }

    private void OnExecEvent(TracedThread thread)
    {
        if (_launching && thread.Tid == _rootPid)
        {
            // posix_spawn returns once the child is committed to exec /bin/sh, so the seize can land inside
            // that exec: its event is the launcher's own, not the program's. Only the exec after the launch
            // SIGCONT is the program's.
            if (!_launchContinued)
            {
                Resume(thread, 0);
                return;
            }
            _launching = false;
        }
        var process = thread.Process;
        // A non-leader that execs takes the leader's tid; the event names its former tid.
        if (Ptrace.GetEventMessage(thread.Tid, out ulong former) == 0 && (int)former != thread.Tid &&
            _threads.Remove((int)former, out var execer))
        {
            // The old leader's own syscall never returns; the execer's execve continues under the leader's tid.
            if (thread.PendingExit != PendingExit.None)
                Guard(() => _handler.OnSyscallAbandoned(thread, thread.PendingRequest));
            thread.PendingExit = execer.PendingExit;
            thread.PendingRequest = execer.PendingRequest;
            thread.SavedRegs = execer.SavedRegs;
            thread.Tag = execer.Tag;
            process.Threads.Remove(execer);
            _region?.Release(execer.Tid);
        }
        // Every other thread of the old image is gone; their exits, if reported at all, are ignored.
        foreach (var other in process.Threads.Where(t => t != thread).ToList())
        {
            process.Threads.Remove(other);
            _threads.Remove(other.Tid);
            _region?.Release(other.Tid);
        }
        process.HasRegion = false; // the old address space, and the region's mapping in it, are gone
        thread.Replay = null;
        process.ExecCount++;
        thread.AwaitingExecExit = true;
        Resume(thread, 0);
    }

    private void OnDeath(int tid, WaitStatus status)
    {
        if (!_threads.Remove(tid, out var thread)) return;
        _region?.Release(tid);
        var process = thread.Process;
        process.Threads.Remove(thread);
        if (thread.PendingExit != PendingExit.None)
            Guard(() => _handler.OnSyscallAbandoned(thread, thread.PendingRequest));
        if (tid != process.Pid) return;

        // The leader is reaped last (__WALL): the whole thread group is gone.
        foreach (var rest in process.Threads)
        {
            _threads.Remove(rest.Tid);
            _region?.Release(rest.Tid);
        }
        process.Threads.Clear();
        _processes.Remove(process.Pid);
        Guard(() => _handler.OnProcessExit(process, status));
        if (tid == _rootPid)
        {
            _rootStatus = status;
            _rootPid = 0;
        }
    }
}
