namespace MtaKit;

/// <summary>The result of verifying one DKIM signature (RFC 8601 section 2.7.1 names).</summary>
public enum DkimResult
{
    /// <summary>The signature verified.</summary>
    Pass,

    /// <summary>The signature did not verify: body or signed header fields changed, wrong key, or expired (<c>x=</c>).</summary>
    Fail,

    /// <summary>The signature could not be processed: a syntax error or an algorithm we do not accept (for example <c>rsa-sha1</c>, RFC 8301).</summary>
    Neutral,

    /// <summary>The key could not be fetched for a transient reason (DNS timeout, SERVFAIL): try later, never a failure.</summary>
    TempError,

    /// <summary>The key is missing, revoked or unusable.</summary>
    PermError,
}
