using System.Net;

namespace MtaKit;

/// <summary>One mail host to try for a domain, with the addresses to try in order.</summary>
/// <param name="Name">The host name (the MX exchange, or the domain itself for an implicit MX), lower case without the trailing dot.</param>
/// <param name="Preference">The MX preference (0 for an implicit MX).</param>
/// <param name="Addresses">Its addresses in the order to try (IPv4 first unless IPv6 is preferred).</param>
public sealed record MxHost(string Name, int Preference, IReadOnlyList<IPAddress> Addresses);
