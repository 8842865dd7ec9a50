using System.ComponentModel;

public sealed class EncryptionOptions
{
    [Description("The secret the key is derived from (required).")]
    public string Passphrase { get; set; } = "";

    [Description("The provider that stores the encrypted files (passthrough by default), with this mount's --source.")]
    public string Inner { get; set; } = "passthrough";
}
