using System.Net;

namespace MtaKit;

/// <summary>A list that lists the client: its zone, weight, the return codes that matched, and its reason text.</summary>
/// <param name="Zone">The list's zone.</param>
/// <param name="Weight">What the listing added to the score.</param>
/// <param name="Codes">The return codes that matched the list's filter.</param>
/// <param name="Reason">The list's TXT record, when fetched and present.</param>
public sealed record DnsblHit(string Zone, int Weight, IReadOnlyList<IPAddress> Codes, string? Reason);
