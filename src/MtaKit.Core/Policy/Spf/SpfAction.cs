namespace MtaKit;

/// <summary>What the SPF stage does with a <c>fail</c> (or <c>permerror</c>) result.</summary>
public enum SpfAction
{
    /// <summary>Refuse MAIL FROM (550 5.7.23 for fail, 550 5.7.24 for permerror, RFC 7372).</summary>
    Reject,

    /// <summary>Accept; the <c>Received-SPF:</c> header records the result for later filters.</summary>
    Tag,

    /// <summary>Accept and add no header for this result; the result stays on the transaction for later stages.</summary>
    None,
}
