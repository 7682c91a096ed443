namespace MtaKit;

/// <summary>What a domain asks receivers to do with mail that fails DMARC (<c>p=</c>, <c>sp=</c>).</summary>
public enum DmarcPolicy
{
    /// <summary>Nothing: monitoring only.</summary>
    None,

    /// <summary>Treat as suspicious (spam folder, quarantine).</summary>
    Quarantine,

    /// <summary>Reject during the SMTP transaction.</summary>
    Reject,
}
