namespace MtaKit;

/// <summary>Options of the <see cref="DmarcStage"/>; bound from <c>MtaKit:Dmarc</c>.</summary>
public sealed record DmarcOptions
{
    /// <summary>Evaluates DMARC. When false the stage only verifies DKIM and writes the Authentication-Results header.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Applies the domains' policies to the SMTP reply: reject gives 550 5.7.1, quarantine gives <see cref="QuarantineAction"/>,
    /// and a temperror gives 451 4.4.3 when <see cref="DeferOnTempError"/>. When false, results are only recorded.
    /// </summary>
    /// <value>The default is <see langword="false"/> (monitor only).</value>
    public bool Enforce { get; init; }

    /// <summary>What an enforcing stage does when the applied policy is quarantine.</summary>
    /// <value>The default is <see cref="DmarcQuarantineAction.Quarantine"/>.</value>
    public DmarcQuarantineAction QuarantineAction { get; init; } = DmarcQuarantineAction.Quarantine;

    /// <summary>
    /// An enforcing stage answers 451 4.4.3 when DMARC is temperror (a DNS failure kept the result from being known) and the
    /// policy is not known to be none. Never a 5xx on a DNS failure.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool DeferOnTempError { get; init; } = true;

    /// <summary>Prepends an <c>Authentication-Results</c> header (spf, dkim per signature, dmarc).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AddAuthenticationResults { get; init; } = true;

    /// <summary>
    /// The authserv-id of the header; <see langword="null"/> means the server name (<see cref="SmtpSession.ServerName"/>).
    /// Incoming <c>Authentication-Results</c> fields that claim it are removed (RFC 8601 section 5).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? AuthServId { get; init; }

    /// <summary>A Public Suffix List file newer than the embedded one, or <see langword="null"/> for the embedded list.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? PublicSuffixListPath { get; init; }

    /// <summary>Returns the problems with these options, one line each (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Dmarc:")
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(QuarantineAction))
        {
            errors.Add($"{prefix}QuarantineAction must be Quarantine, Accept or Reject (was {QuarantineAction}).");
        }

        if (AuthServId is { } id && (id.Length == 0 || id.Any(c => c is <= ' ' or > '~' or ';' or '(' or ')' or '"')))
        {
            errors.Add($"{prefix}AuthServId '{id}' must be a host name (printable ASCII without blanks, ';', '(', ')' or '\"').");
        }

        if (PublicSuffixListPath is { } path && !File.Exists(path))
        {
            errors.Add($"{prefix}PublicSuffixListPath '{path}' does not exist.");
        }

        return errors;
    }
}
