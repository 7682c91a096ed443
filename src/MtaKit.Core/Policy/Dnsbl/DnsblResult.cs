namespace MtaKit;

/// <summary>The outcome of one DNSBL check of a client address.</summary>
/// <param name="Score">The sum of the weights of the lists that list the client (allow-lists subtract).</param>
/// <param name="Threshold">The configured threshold.</param>
/// <param name="Hits">The lists that list the client, in configuration order.</param>
/// <param name="Errors">The lists that failed to answer usefully.</param>
public readonly record struct DnsblResult(int Score, int Threshold, IReadOnlyList<DnsblHit> Hits, IReadOnlyList<DnsblListError> Errors)
{
    /// <summary>True when <see cref="Score"/> is at or above <see cref="Threshold"/>: reject the client.</summary>
    public bool IsBlocked => Score >= Threshold;
}
