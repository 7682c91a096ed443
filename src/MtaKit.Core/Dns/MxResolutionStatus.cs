namespace MtaKit;

/// <summary>What an <see cref="MxResolver"/> found for a recipient domain.</summary>
public enum MxResolutionStatus
{
    /// <summary>At least one mail host with at least one address: deliver.</summary>
    Success,

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail, fail at once (556 5.1.10).</summary>
    NullMx,

    /// <summary>The domain does not exist (NXDOMAIN): permanent (550 5.1.2).</summary>
    NoSuchDomain,

    /// <summary>The domain exists but has neither MX nor A/AAAA records: permanent (550 5.1.2).</summary>
    NoMailHost,

    /// <summary>The name is not a valid domain: permanent (550 5.1.2).</summary>
    InvalidDomain,

    /// <summary>DNS failed (SERVFAIL, timeout, ...) or no mail host had a usable address: transient (451 4.4.3).</summary>
    TemporaryFailure,
}
