namespace MtaKit;

/// <summary>What the HELO checks do with a name that is neither a domain nor an address literal.</summary>
public enum HeloSyntaxAction
{
    /// <summary>Refuse HELO/EHLO with 501 5.5.2.</summary>
    Reject,

    /// <summary>Accept; add <see cref="HeloChecksOptions.InvalidSyntaxScore"/> to the <see cref="HeloCheckResult.Score"/>.</summary>
    Score,
}
