using PtFs.Vfs;

namespace PtFs.Providers.Memory;

// Extended attributes, kept beside the nodes they belong to (a hard link shares them). Like tmpfs without
// ACL support: POSIX ACLs (system.posix_acl_*) are refused, so cp -p and mv fall back to chmod, and a
// name outside the user, trusted and security namespaces is not supported.
public partial class MemoryProvider
{
    private static bool Supported(string name) =>
        name.StartsWith("user.", StringComparison.Ordinal) || name.StartsWith("trusted.", StringComparison.Ordinal) ||
        name.StartsWith("security.", StringComparison.Ordinal);

    public Errno GetAttribute(string path, string name, out byte[] value)
    {
        value = [];
        if (!Supported(name)) return name.StartsWith("system.", StringComparison.Ordinal) ? Errno.ENODATA : Errno.EOPNOTSUPP;
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (!_xattrs.TryGetValue(node, out var attributes) || !attributes.TryGetValue(name, out var stored)) return Errno.ENODATA;
        value = stored;
        return Errno.Ok;
    }

    public Errno ListAttributes(string path, out IReadOnlyList<string> names)
    {
        names = [];
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (_xattrs.TryGetValue(node, out var attributes)) names = [.. attributes.Keys];
        return Errno.Ok;
    }

    public Errno SetAttribute(string path, string name, ReadOnlySpan<byte> value, XattrFlags flags)
    {
        if (!Supported(name)) return Errno.EOPNOTSUPP;
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        var attributes = _xattrs.GetOrCreateValue(node);
        bool exists = attributes.ContainsKey(name);
        if (flags.HasFlag(XattrFlags.Create) && exists) return Errno.EEXIST;
        if (flags.HasFlag(XattrFlags.Replace) && !exists) return Errno.ENODATA;
        attributes[name] = value.ToArray();
        node.Stat.ChangeTime = UnixTime.Now;
        return Errno.Ok;
    }

    public Errno RemoveAttribute(string path, string name)
    {
        var errno = Tree.Find(path, out var node);
        if (errno != Errno.Ok) return errno;
        if (!_xattrs.TryGetValue(node, out var attributes) || !attributes.Remove(name)) return Errno.ENODATA;
        node.Stat.ChangeTime = UnixTime.Now;
        return Errno.Ok;
    }
}
