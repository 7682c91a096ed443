namespace MtaKit;

/// <summary>Sender-domain checks at MAIL FROM, bound from <c>MtaKit:SenderChecks</c>.</summary>
public sealed class SenderChecksOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:SenderChecks";

    /// <summary>Whether <c>UseSenderChecks()</c> adds the stage.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Whether a sender domain that cannot receive mail (NXDOMAIN, null MX, neither MX nor address records,
    /// not a domain name) is refused with 550 5.1.8. When false the result is only stored on the transaction.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RejectUnroutableDomains { get; init; } = true;

    /// <summary>Whether a DNS failure defers MAIL with 451 4.4.3 (never a 5xx). When false the sender is let through.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DeferOnDnsFailure { get; init; } = true;

    /// <summary>Whether sessions that authenticated (submission) are not checked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SkipAuthenticated { get; init; } = true;
}
