namespace MtaKit;

/// <summary>The result of an <see cref="MxResolver"/> lookup: the mail hosts of a domain in the order to try, or why there are none.</summary>
public sealed record MxResolution
{
    /// <summary>The domain, normalized (lower case, no trailing dot).</summary>
    public required string Domain { get; init; }

    /// <summary>The outcome.</summary>
    public required MxResolutionStatus Status { get; init; }

    /// <summary>The hosts to try, in order (preference, random among equal preferences); only hosts with addresses.</summary>
    /// <value>Empty unless <see cref="Status"/> is <see cref="MxResolutionStatus.Success"/>.</value>
    public IReadOnlyList<MxHost> Hosts { get; init; } = [];

    /// <summary>True when the domain had no MX records and its own A/AAAA records are used (RFC 5321 section 5.1).</summary>
    public bool IsImplicit { get; init; }

    /// <summary>The DNS status behind a failure (else <see cref="DnsStatus.Success"/>).</summary>
    public DnsStatus DnsStatus { get; init; }

    /// <summary>Why a lookup failed, for logs and the reply text; empty on success.</summary>
    public string Detail { get; init; } = string.Empty;

    /// <summary>True when the domain can never receive mail: fail the recipients now, no retry.</summary>
    public bool IsPermanent => Status is MxResolutionStatus.NullMx or MxResolutionStatus.NoSuchDomain or MxResolutionStatus.NoMailHost or MxResolutionStatus.InvalidDomain;

    /// <summary>
    /// The reply to record for the recipients when there is no host to try: <see langword="null"/> on success;
    /// 556 5.1.10 (null MX, RFC 7505), 550 5.1.2 (no such domain, no mail host, invalid), 451 4.4.3 (DNS failure).
    /// </summary>
    public SmtpReply? FailureReply => Status switch
    {
        MxResolutionStatus.Success => null,
        MxResolutionStatus.NullMx => new SmtpReply(556, "5.1.10", $"Recipient domain {Domain} does not accept mail (null MX)"),
        MxResolutionStatus.NoSuchDomain => new SmtpReply(550, "5.1.2", $"Recipient domain {Domain} does not exist"),
        MxResolutionStatus.NoMailHost => new SmtpReply(550, "5.1.2", $"Recipient domain {Domain} has no mail host"),
        MxResolutionStatus.InvalidDomain => new SmtpReply(550, "5.1.2", $"Recipient domain {Domain} is not a valid domain name"),
        _ => new SmtpReply(451, "4.4.3", $"MX lookup for {Domain} failed: {Detail}"),
    };
}
