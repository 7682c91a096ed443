using System.Net;

namespace MtaKit;

/// <summary>A list that lists the client: its zone, weight, the return codes that matched, and its reason text.</summary>
/// <param name="Zone">The list's zone.</param>
/// <param name="Weight">What the listing added to the score.</param>
/// <param name="Codes">The return codes that matched the list's filter.</param>
/// <param name="Reason">The list's TXT record, when fetched and present.</param>
public sealed record DnsblHit(string Zone, int Weight, IReadOnlyList<IPAddress> Codes, string? Reason)
{
    /// <summary><c>blocked using bl.example; &lt;reason&gt;</c> for the heaviest blocking hit (the reason as one line of printable ASCII).</summary>
    internal static string DescribeBlock(IReadOnlyList<DnsblHit> hits)
    {
        var top = hits.Where(h => h.Weight > 0).OrderByDescending(h => h.Weight).FirstOrDefault();
        var text = $"blocked using {top?.Zone ?? "DNS lists"}";
        return top?.Reason is { Length: > 0 } reason
            ? text + "; " + new string([.. reason.Take(200).Select(c => c is < ' ' or > '~' ? '?' : c)])
            : text;
    }
}
