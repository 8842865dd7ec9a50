namespace PtFs.Vfs;

/// <summary>Lexical path operations on absolute paths ("/a/b"), as the VFS keeps them.</summary>
public static class PathText
{
    /// <summary>Removes ".", "//" and trailing "/", and applies ".." lexically (for mount points and cwd strings).</summary>
    public static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it; the rest, as "/..." .</summary>
    public static bool IsWithin(string path, string root, out string inside)
    {
        inside = "";
        if (root == "/") { inside = path; return true; }
        if (!path.StartsWith(root, StringComparison.Ordinal)) return false;
        if (path.Length == root.Length) { inside = "/"; return true; }
        if (path[root.Length] != '/') return false;
        inside = path[root.Length..];
        return true;
    }

    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];
}
