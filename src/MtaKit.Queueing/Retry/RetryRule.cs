using MtaKit.Routing;

namespace MtaKit.Queueing;

/// <summary>
/// A retry rule: which destinations (<see cref="DomainPattern"/>) and failures (<see cref="ErrorKind"/>)
/// it covers, and the <see cref="Schedule"/> they get. Written as one line of a
/// <see cref="RetryRuleSet"/>: <c>*.example.com  timeout  F,1h,10m; G,8h,30m,2</c>.
/// </summary>
public sealed record RetryRule
{
    /// <summary>
    /// <c>*</c> (every domain), <c>example.com</c> (that domain only) or <c>*.example.com</c> (its
    /// subdomains, not the domain itself); compared case-insensitively, IDNA-normalised.
    /// </summary>
    public required DomainPattern DomainPattern { get; init; }

    /// <summary>The failures covered; <see cref="RetryErrorKind.Any"/> covers all.</summary>
    public required RetryErrorKind ErrorKind { get; init; }

    /// <summary>The schedule.</summary>
    public required RetrySchedule Schedule { get; init; }

    /// <summary>Returns whether this rule covers a failure of a kind for a domain.</summary>
    /// <param name="domain">The destination domain (or host), in any case, with or without a trailing dot.</param>
    /// <param name="errorKind">The kind of the failure.</param>
    public bool Matches(string domain, RetryErrorKind errorKind)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (ErrorKind != RetryErrorKind.Any && ErrorKind != errorKind)
        {
            return false;
        }

        return DomainPattern.IsAny || (Mailbox.NormaliseDomain(domain) is { } normalised && DomainPattern.Matches(normalised));
    }

    internal static bool TryParseErrorKind(string word, out RetryErrorKind kind)
    {
        kind = word.ToLowerInvariant() switch
        {
            "any" => RetryErrorKind.Any,
            "timeout" => RetryErrorKind.Timeout,
            "refused" => RetryErrorKind.Refused,
            "dns" => RetryErrorKind.Dns,
            "mail_4xx" => RetryErrorKind.Mail4xx,
            "rcpt_4xx" => RetryErrorKind.Rcpt4xx,
            "data_4xx" => RetryErrorKind.Data4xx,
            "other" => RetryErrorKind.Other,
            _ => (RetryErrorKind)(-1),
        };
        return kind >= 0;
    }
}
