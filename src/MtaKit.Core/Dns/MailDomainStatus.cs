namespace MtaKit;

/// <summary>Whether a domain can receive mail, as DNS tells (for sender-domain checks at MAIL FROM).</summary>
public enum MailDomainStatus
{
    /// <summary>The domain has MX records, or (no MX) an address record: it can receive mail.</summary>
    Exists,

    /// <summary>NXDOMAIN: the domain does not exist.</summary>
    NoSuchDomain,

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail.</summary>
    NullMx,

    /// <summary>The domain exists but has neither MX nor A/AAAA records.</summary>
    NoMailHost,

    /// <summary>The name is not a valid domain (empty label, label over 63 octets, a single label, ...).</summary>
    Invalid,

    /// <summary>DNS failed (SERVFAIL, timeout, ...): retry later.</summary>
    TemporaryFailure,
}
