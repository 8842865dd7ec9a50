using System.Text;
using PtFs.Vfs.Kernel;

namespace PtFs.Vfs.Dispatch;

// getxattr, listxattr, setxattr, removexattr in their path, l- and f- forms. `ls -l` asks for
// security.selinux and POSIX ACLs on every name: a provider without xattrs answers ENODATA, never the kernel.
public sealed partial class VirtualFileSystem
{
    private const int XattrNameMax = 255, XattrSizeMax = 65536;

    private void RegisterXattrs()
    {
        Register(Sys.getxattr, (c, p) => GetXattr(c, Locate(c, p, -1, 0, true)));
        Register(Sys.lgetxattr, (c, p) => GetXattr(c, Locate(c, p, -1, 0, false)));
        Register(Sys.fgetxattr, (c, p) => GetXattr(c, FdTarget(c, p)), fdArgument: 0);
        Register(Sys.listxattr, (c, p) => ListXattr(c, Locate(c, p, -1, 0, true)));
        Register(Sys.llistxattr, (c, p) => ListXattr(c, Locate(c, p, -1, 0, false)));
        Register(Sys.flistxattr, (c, p) => ListXattr(c, FdTarget(c, p)), fdArgument: 0);
        Register(Sys.setxattr, (c, p) => SetXattr(c, Locate(c, p, -1, 0, true)));
        Register(Sys.lsetxattr, (c, p) => SetXattr(c, Locate(c, p, -1, 0, false)));
        Register(Sys.fsetxattr, (c, p) => SetXattr(c, FdTarget(c, p)), fdArgument: 0);
        Register(Sys.removexattr, (c, p) => RemoveXattr(c, Locate(c, p, -1, 0, true)));
        Register(Sys.lremovexattr, (c, p) => RemoveXattr(c, Locate(c, p, -1, 0, false)));
        Register(Sys.fremovexattr, (c, p) => RemoveXattr(c, FdTarget(c, p)), fdArgument: 0);
    }

    /// <summary>The node's provider and path for an xattr call, or the outcome to return instead.</summary>
    private static SyscallOutcome? XattrTarget(ISyscall call, Target target, out Mounts.Mount mount, out string path, out string name)
    {
        mount = null!;
        path = name = "";
        if (target.Outcome is { } done) return done;
        (mount, path, bool exists) = Named(target);
        if (!exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (call.ReadPath(call.Arg(1), out name) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > XattrNameMax) return SyscallOutcome.Fail(Errno.ERANGE);
        return null;
    }

    private static SyscallOutcome GetXattr(ISyscall call, Target target)
    {
        if (XattrTarget(call, target, out var mount, out string path, out string name) is { } early) return early;
        if (mount.Provider is not IExtendedAttributes xattrs) return SyscallOutcome.Fail(Errno.ENODATA);
        var errno = xattrs.GetAttribute(path, name, out var value);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        return Sized(call, value, call.Arg(2), (long)call.Arg(3));
    }

    private static SyscallOutcome ListXattr(ISyscall call, Target target)
    {
        if (target.Outcome is { } done) return done;
        var (mount, path, exists) = Named(target);
        if (!exists) return SyscallOutcome.Fail(Errno.ENOENT);
        if (mount.Provider is not IExtendedAttributes xattrs) return SyscallOutcome.Complete(0);
        var errno = xattrs.ListAttributes(path, out var names);
        if (errno != Errno.Ok) return SyscallOutcome.Fail(errno);
        var list = Encoding.UTF8.GetBytes(string.Concat(names.Select(n => n + "\0")));
        return Sized(call, list, call.Arg(1), (long)call.Arg(2));
    }

    /// <summary>The kernel's size protocol: size 0 asks how much; too small a buffer is ERANGE.</summary>
    private static SyscallOutcome Sized(ISyscall call, byte[] value, ulong buffer, long size)
    {
        if (size == 0) return SyscallOutcome.Complete(value.Length);
        if (size < value.Length) return SyscallOutcome.Fail(Errno.ERANGE);
        return call.WriteMemory(buffer, value) == Errno.Ok ? SyscallOutcome.Complete(value.Length) : SyscallOutcome.Fail(Errno.EFAULT);
    }

    private static SyscallOutcome SetXattr(ISyscall call, Target target)
    {
        if (XattrTarget(call, target, out var mount, out string path, out string name) is { } early) return early;
        if (mount.Writable is null) return SyscallOutcome.Fail(Errno.EROFS);
        long size = (long)call.Arg(3);
        int flags = (int)call.Arg(4);
        if (size > XattrSizeMax || size < 0) return SyscallOutcome.Fail(Errno.E2BIG);
        if ((flags & ~3) != 0) return SyscallOutcome.Fail(Errno.EINVAL);
        var value = new byte[size];
        if (call.ReadMemory(call.Arg(2), value) != Errno.Ok) return SyscallOutcome.Fail(Errno.EFAULT);
        // The kernel copies the value in before it asks the filesystem, so a bad pointer is EFAULT even there.
        if (mount.Provider is not IExtendedAttributes xattrs) return SyscallOutcome.Fail(Errno.EOPNOTSUPP);
        var errno = xattrs.SetAttribute(path, name, value, (XattrFlags)flags);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }

    private static SyscallOutcome RemoveXattr(ISyscall call, Target target)
    {
        if (XattrTarget(call, target, out var mount, out string path, out string name) is { } early) return early;
        if (mount.Writable is null) return SyscallOutcome.Fail(Errno.EROFS);
        if (mount.Provider is not IExtendedAttributes xattrs) return SyscallOutcome.Fail(Errno.ENODATA);
        var errno = xattrs.RemoveAttribute(path, name);
        return errno == Errno.Ok ? SyscallOutcome.Complete(0) : SyscallOutcome.Fail(errno);
    }
}
