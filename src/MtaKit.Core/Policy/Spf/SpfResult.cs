namespace MtaKit;

/// <summary>The result of an SPF check (RFC 7208 section 2.6).</summary>
public enum SpfResult
{
    /// <summary>No SPF record, or no valid domain to check.</summary>
    None,

    /// <summary>The domain states nothing about the client (<c>?</c> or no match).</summary>
    Neutral,

    /// <summary>The client is authorized.</summary>
    Pass,

    /// <summary>The client is not authorized.</summary>
    Fail,

    /// <summary>The client is probably not authorized (<c>~</c>).</summary>
    SoftFail,

    /// <summary>A transient DNS error; a later retry may succeed (reply 451 4.4.3 if rejecting).</summary>
    TempError,

    /// <summary>The domain's record is broken (syntax, limits); needs a human to fix (550 5.5.2 if rejecting).</summary>
    PermError,
}
