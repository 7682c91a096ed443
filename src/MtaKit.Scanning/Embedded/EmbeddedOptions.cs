namespace MtaKit.Scanning;

/// <summary>
/// Settings of the embedded scanners (no daemon): signatures, the GTUBE test pattern and the
/// attachment policy. Bound from <c>MtaKit:Scanning:Embedded</c>.
/// </summary>
public sealed record EmbeddedOptions
{
    /// <summary>The file extensions blocked when <see cref="BlockedExtensions"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultBlockedExtensions { get; } =
    [
        "ade", "adp", "app", "bat", "chm", "cmd", "com", "cpl", "dll", "exe", "hta", "inf", "ins", "isp", "jar",
        "js", "jse", "lib", "lnk", "mde", "msc", "msi", "msp", "mst", "pif", "ps1", "reg", "scr", "sct", "shb",
        "sys", "vb", "vbe", "vbs", "vxd", "wsc", "wsf", "wsh",
    ];

    /// <summary>The MIME types blocked when <see cref="BlockedContentTypes"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultBlockedContentTypes { get; } =
    [
        "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec", "application/x-ms-installer",
        "application/x-msi", "application/hta", "application/x-ms-shortcut",
    ];

    /// <summary>Whether the embedded scanners run.</summary>
    /// <value>The default value is false.</value>
    public bool Enabled { get; init; }

    /// <summary>Messages larger than this are not scanned by the embedded scanners (<see cref="ScanVerdict.Skipped"/>).</summary>
    /// <value>The default value is 25 MiB.</value>
    public long MaxMessageSize { get; init; } = 25 * 1024 * 1024;

    /// <summary>A signature file to add to the built-in EICAR signature (format: <see cref="SignatureSet"/>), or null.</summary>
    /// <value>The default value is null.</value>
    public string? SignatureFile { get; init; }

    /// <summary>Whether the GTUBE test-pattern scorer runs (a test aid, not a spam filter).</summary>
    /// <value>The default value is true.</value>
    public bool Gtube { get; init; } = true;

    /// <summary>Whether the attachment policy runs.</summary>
    /// <value>The default value is true.</value>
    public bool AttachmentPolicy { get; init; } = true;

    /// <summary>Blocked file extensions, without the dot, case-insensitive; null means <see cref="DefaultBlockedExtensions"/>.</summary>
    /// <value>The default value is null.</value>
    public IReadOnlyList<string>? BlockedExtensions { get; init; }

    /// <summary>Blocked MIME types, case-insensitive; null means <see cref="DefaultBlockedContentTypes"/>.</summary>
    /// <value>The default value is null.</value>
    public IReadOnlyList<string>? BlockedContentTypes { get; init; }

    /// <summary>Whether the blocked extensions also apply to the files inside attached zip archives.</summary>
    /// <value>The default value is true.</value>
    public bool ScanArchives { get; init; } = true;

    /// <summary>Whether an attached zip archive with an encrypted entry is blocked (its content cannot be scanned).</summary>
    /// <value>The default value is true.</value>
    public bool BlockEncryptedArchives { get; init; } = true;

    /// <summary>Checks the settings; returns one message per problem, naming the configuration key under <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The configuration path of this section.</param>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Scanning:Embedded")
    {
        var errors = new List<string>();
        if (MaxMessageSize < 1)
        {
            errors.Add($"{prefix}:MaxMessageSize must be at least 1 byte (was {MaxMessageSize}).");
        }

        if (SignatureFile is { } file && !File.Exists(file))
        {
            errors.Add($"{prefix}:SignatureFile '{file}' does not exist.");
        }

        if (BlockedExtensions?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors.Add($"{prefix}:BlockedExtensions must not contain empty entries.");
        }

        if (BlockedContentTypes?.Any(t => string.IsNullOrWhiteSpace(t) || !t.Contains('/', StringComparison.Ordinal)) == true)
        {
            errors.Add($"{prefix}:BlockedContentTypes entries must be MIME types such as application/x-msdownload.");
        }

        return errors;
    }
}
