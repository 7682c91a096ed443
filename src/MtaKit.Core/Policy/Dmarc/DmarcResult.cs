namespace MtaKit;

/// <summary>The result of a DMARC evaluation (RFC 7489 section 11.2, RFC 8601 names).</summary>
public enum DmarcResult
{
    /// <summary>No DMARC record for the From domain (or its organisational domain), or more than one.</summary>
    None,

    /// <summary>SPF or DKIM passed for an identifier aligned with the From domain.</summary>
    Pass,

    /// <summary>Neither SPF nor DKIM passed aligned: the domain's policy applies.</summary>
    Fail,

    /// <summary>A DNS failure (the record lookup, or an aligned SPF/DKIM check) kept the result from being known.</summary>
    TempError,

    /// <summary>The record is broken, or the message has no single From domain.</summary>
    PermError,
}
