namespace MtaKit;

/// <summary>What a rate limit counts.</summary>
public enum RateLimitPhase
{
    /// <summary>Connections (checked before the greeting; over the limit gives 421 4.7.0 and closes).</summary>
    Connect,

    /// <summary>Messages (MAIL commands; over the limit gives 450 4.7.1).</summary>
    Mail,

    /// <summary>Recipients (RCPT commands; over the limit gives 450 4.7.1).</summary>
    Rcpt,
}
