namespace PtFs.Vfs;

/// <summary>Extended attributes; a provider without them answers ENODATA to get and ENOTSUP to set.</summary>
public interface IExtendedAttributes
{
    Errno GetAttribute(string path, string name, out byte[] value);

    Errno ListAttributes(string path, out IReadOnlyList<string> names);

    Errno SetAttribute(string path, string name, ReadOnlySpan<byte> value, XattrFlags flags);

    Errno RemoveAttribute(string path, string name);
}

[Flags]
public enum XattrFlags
{
    None = 0,
    Create = 1,
    Replace = 2,
}
