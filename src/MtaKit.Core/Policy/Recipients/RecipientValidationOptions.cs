namespace MtaKit;

/// <summary>
/// Recipient validation at RCPT, bound from <c>MtaKit:Recipients</c>. Two sources, in order:
/// <list type="number">
/// <item><b>Static lists</b> (<see cref="Addresses"/> and <see cref="Files"/>): one address per entry or line, or
/// <c>@domain</c> for every address of a domain (catch-all); <c>#</c> starts a comment line. A domain that appears in
/// the lists is <i>covered</i>: its listed addresses pass, every other address of it gets <c>550 5.1.1</c>.
/// Addresses compare case-insensitively.</item>
/// <item><b>Callout</b> (<see cref="Callout"/>): for a recipient of a domain the lists do not cover, ask the route's
/// next hop (<c>MAIL FROM:&lt;&gt;</c>, <c>RCPT TO</c>, <c>QUIT</c>); its 5xx becomes <c>550 5.1.1</c> with its text, its 2xx
/// passes, and a 4xx or no answer gives <c>451 4.4.3</c> (or passes, see <see cref="DeferOnCalloutFailure"/>).
/// Answers are cached in the hints store.</item>
/// </list>
/// A recipient neither source decides passes on to the next stage.
/// </summary>
public sealed record RecipientValidationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Recipients";

    /// <summary>Known addresses and <c>@domain</c> catch-alls (<c>MtaKit:Recipients:Addresses:&lt;i&gt;</c>).</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Files with one address or <c>@domain</c> per line, read at start (<c>MtaKit:Recipients:Files:&lt;i&gt;</c>).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Whether recipients of uncovered domains are verified with the route's next hop (<c>MtaKit:Recipients:Callout</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Callout { get; init; }

    /// <summary>How long one callout may take, connection included (<c>MtaKit:Recipients:CalloutTimeout</c>).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CalloutTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a callout that got a 4xx or no answer defers the recipient (451 4.4.3) rather than letting it pass (<c>MtaKit:Recipients:DeferOnCalloutFailure</c>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DeferOnCalloutFailure { get; init; } = true;

    /// <summary>How long a callout's "exists" is cached (<c>MtaKit:Recipients:PositiveCacheTime</c>).</summary>
    /// <value>The default value is 24 hours (as Exim).</value>
    public TimeSpan PositiveCacheTime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a callout's "unknown" is cached (<c>MtaKit:Recipients:NegativeCacheTime</c>).</summary>
    /// <value>The default value is 2 hours (as Exim).</value>
    public TimeSpan NegativeCacheTime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The name the callout gives in EHLO/LHLO; the session's server name when <see langword="null"/> (<c>MtaKit:Recipients:CalloutHeloName</c>).</summary>
    public string? CalloutHeloName { get; init; }

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Addresses.Count == 0 && Files.Count == 0 && !Callout)
        {
            errors.Add($"{SectionName}: set Addresses, Files or Callout (nothing would be validated).");
        }

        for (var i = 0; i < Addresses.Count; i++)
        {
            if (!RecipientList.TryParseEntry(Addresses[i], out _, out var error))
            {
                errors.Add($"{SectionName}:Addresses:{i}: '{Addresses[i]}' {error}.");
            }
        }

        for (var i = 0; i < Files.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Files[i]) || !File.Exists(Files[i]))
            {
                errors.Add($"{SectionName}:Files:{i}: '{Files[i]}' does not exist.");
            }
        }

        if (CalloutTimeout <= TimeSpan.Zero || CalloutTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{SectionName}:CalloutTimeout: must be more than 0 and at most 5 minutes.");
        }

        if (PositiveCacheTime <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:PositiveCacheTime: must be more than 0.");
        }

        if (NegativeCacheTime <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:NegativeCacheTime: must be more than 0.");
        }

        return errors;
    }
}
