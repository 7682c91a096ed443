namespace MtaKit;

/// <summary>The outcome of one right-hand-side (domain) list check, e.g. of the sender's domain.</summary>
/// <param name="Domain">The domain checked, normalized.</param>
/// <param name="Score">The sum of the weights of the lists that list the domain.</param>
/// <param name="Threshold">The configured threshold.</param>
/// <param name="Hits">The lists that list the domain, in configuration order.</param>
/// <param name="Errors">The lists that failed to answer usefully (never a listing).</param>
public sealed record DnsblDomainResult(string Domain, int Score, int Threshold, IReadOnlyList<DnsblHit> Hits, IReadOnlyList<DnsblListError> Errors)
{
    /// <summary>True when <see cref="Score"/> is at or above <see cref="Threshold"/>.</summary>
    public bool IsBlocked => Score >= Threshold;

    /// <summary>
    /// <c>550 5.7.1 Sender domain example.test blocked using dbl.example; &lt;reason&gt;</c> when <see cref="IsBlocked"/>; else <see langword="null"/>.
    /// </summary>
    public SmtpReply? SuggestedReply
    {
        get
        {
            if (!IsBlocked)
            {
                return null;
            }

            return new SmtpReply(550, "5.7.1", $"Sender domain {Domain} {DnsblHit.DescribeBlock(Hits)}");
        }
    }
}
