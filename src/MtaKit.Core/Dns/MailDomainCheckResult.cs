namespace MtaKit;

/// <summary>The outcome of a <see cref="MailDomainChecker"/> check.</summary>
/// <param name="Domain">The domain checked, normalized.</param>
/// <param name="Status">What DNS says.</param>
/// <param name="DnsStatus">The DNS status behind a <see cref="MailDomainStatus.TemporaryFailure"/> (else <see cref="MtaKit.DnsStatus.Success"/> or the negative status).</param>
public sealed record MailDomainCheckResult(string Domain, MailDomainStatus Status, DnsStatus DnsStatus)
{
    /// <summary>True when mail can be sent back to the domain.</summary>
    public bool Exists => Status == MailDomainStatus.Exists;

    /// <summary>True when the answer is final: the domain cannot receive mail.</summary>
    public bool IsPermanent => Status is MailDomainStatus.NoSuchDomain or MailDomainStatus.NullMx or MailDomainStatus.NoMailHost or MailDomainStatus.Invalid;

    /// <summary>
    /// The reply a MAIL stage would give: <see langword="null"/> when the domain exists; 550 5.1.8 (no such
    /// domain, no mail host, invalid), 550 5.7.27 (null MX, RFC 7505), or 451 4.4.3 (DNS failure).
    /// </summary>
    public SmtpReply? SuggestedReply => Status switch
    {
        MailDomainStatus.Exists => null,
        MailDomainStatus.NullMx => new SmtpReply(550, "5.7.27", $"Sender domain {Domain} does not accept mail (null MX)"),
        MailDomainStatus.NoSuchDomain => new SmtpReply(550, "5.1.8", $"Sender domain {Domain} does not exist"),
        MailDomainStatus.NoMailHost => new SmtpReply(550, "5.1.8", $"Sender domain {Domain} has no mail host"),
        MailDomainStatus.Invalid => new SmtpReply(550, "5.1.8", "Sender domain is not a valid domain name"),
        _ => new SmtpReply(451, "4.4.3", $"Sender domain {Domain}: DNS lookup failed, try again later"),
    };
}
