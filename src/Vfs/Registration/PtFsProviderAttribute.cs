namespace PtFs.Vfs;

/// <summary>
/// Declares a provider an assembly offers, under the name <c>ptfs mount --provider</c> takes. Built-in
/// providers and plugins declare theirs the same way:
/// <code>[assembly: PtFsProvider("hello", typeof(HelloProvider), Description = "one file that says hello")]</code>
/// The provider's constructor takes a <see cref="MountSettings"/>, its options object when
/// <see cref="Options"/> is set, and any service (an ILogger&lt;T&gt;, say).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class PtFsProviderAttribute(string name, Type provider) : Attribute
{
    public string Name { get; } = name;

    public Type Provider { get; } = provider;

    /// <summary>One line for <c>ptfs providers</c>.</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// A class with public settable properties that <c>--option KEY=VALUE</c> binds to (unknown keys and
    /// unconvertible values are errors); <see cref="System.ComponentModel.DescriptionAttribute"/> on a
    /// property documents it. Null: the provider takes no options.
    /// </summary>
    public Type? Options { get; set; }

    /// <summary>What <c>--source</c> names for this provider ("a zip archive"); null when it takes none.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// Name endings of files this provider serves as directories when mounted without a source
    /// (<c>ptfs mount --provider zip ./prog</c>: every <c>*.zip</c> can be entered).
    /// </summary>
    public string[] ArchiveExtensions { get; set; } = [];
}
