namespace MtaKit;

/// <summary>The mode of an MTA-STS policy (RFC 8461 section 5).</summary>
public enum MtaStsMode
{
    /// <summary>No policy: deliver as without MTA-STS (a domain uses this to withdraw its policy).</summary>
    None,

    /// <summary>Deliver as without MTA-STS, but log what enforcement would have refused.</summary>
    Testing,

    /// <summary>Deliver only to MX hosts that match the policy, over TLS with a certificate valid for the MX name.</summary>
    Enforce,
}
