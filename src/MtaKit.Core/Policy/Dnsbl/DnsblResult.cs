using System.Net;

namespace MtaKit;

/// <summary>The outcome of one DNSBL check of a client address.</summary>
/// <param name="ClientAddress">The address checked.</param>
/// <param name="Score">The sum of the weights of the lists that list the client (allow-lists subtract).</param>
/// <param name="Threshold">The configured threshold.</param>
/// <param name="Hits">The lists that list the client, in configuration order.</param>
/// <param name="Errors">The lists that failed to answer usefully.</param>
public readonly record struct DnsblResult(IPAddress ClientAddress, int Score, int Threshold, IReadOnlyList<DnsblHit> Hits, IReadOnlyList<DnsblListError> Errors)
{
    /// <summary>True when <see cref="Score"/> is at or above <see cref="Threshold"/>: reject the client.</summary>
    public bool IsBlocked => Score >= Threshold;

    /// <summary>
    /// The reject a stage would give when <see cref="IsBlocked"/> (postfix style):
    /// <c>554 5.7.1 Service unavailable; client [192.0.2.10] blocked using bl.example; &lt;reason&gt;</c>; else <see langword="null"/>.
    /// </summary>
    public SmtpReply? SuggestedReply
    {
        get
        {
            if (!IsBlocked)
            {
                return null;
            }

            return new SmtpReply(554, "5.7.1", $"Service unavailable; client [{ClientAddress}] {DnsblHit.DescribeBlock(Hits)}");
        }
    }
}
