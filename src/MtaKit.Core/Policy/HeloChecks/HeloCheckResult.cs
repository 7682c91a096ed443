namespace MtaKit;

/// <summary>
/// What the HELO checks found, stored on <see cref="SmtpSession.Properties"/> for later stages (a score, not a verdict).
/// </summary>
/// <param name="HeloName">The name the client gave.</param>
/// <param name="IsValidSyntax">True for a domain name or an address literal.</param>
/// <param name="Fcrdns">The client address's forward-confirmed reverse DNS.</param>
/// <param name="VerifiedName">The PTR name that resolved back to the client, when <see cref="Fcrdns"/> is <see cref="FcrdnsStatus.Pass"/>.</param>
/// <param name="Score">The sum of the configured scores of what failed (0 when all is well).</param>
public sealed record HeloCheckResult(string HeloName, bool IsValidSyntax, FcrdnsStatus Fcrdns, string? VerifiedName, int Score)
{
    /// <summary>True when the HELO name equals <see cref="VerifiedName"/> (case-insensitive).</summary>
    public bool HeloMatchesVerifiedName => VerifiedName is not null
        && string.Equals(HeloName.TrimEnd('.'), VerifiedName.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
