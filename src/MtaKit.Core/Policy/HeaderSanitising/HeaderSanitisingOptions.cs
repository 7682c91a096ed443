namespace MtaKit;

/// <summary>
/// Which incoming header fields the sanitising stage removes before our own are added (RFC 8601 section 5),
/// bound from <c>MtaKit:HeaderSanitising</c>.
/// </summary>
public sealed class HeaderSanitisingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:HeaderSanitising";

    /// <summary>
    /// The authserv-id of our <c>Authentication-Results</c> fields; incoming fields carrying it are forged and removed.
    /// <see langword="null"/>: the session's server name.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? AuthServId { get; init; }

    /// <summary>Whether every incoming <c>Received-SPF</c> field is removed (ours is added by the SPF stage).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RemoveReceivedSpf { get; init; } = true;

    /// <summary>Whether every incoming <c>X-Spam-*</c> field is removed (ours come from the spam scan).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RemoveSpamHeaders { get; init; } = true;

    /// <summary>More field names to remove entirely; a name ending in <c>*</c> is a prefix (<c>X-Virus-*</c>).</summary>
    public IReadOnlyList<string> RemoveHeaders { get; init; } = [];
}
