namespace MtaKit;

/// <summary>A list that could not give a usable answer (DNS failure, timeout, or an error code such as Spamhaus's 127.255.255.x): never a listing.</summary>
/// <param name="Zone">The list's zone.</param>
/// <param name="Reason">What went wrong, e.g. <c>Timeout</c> or <c>error code 127.255.255.254</c>.</param>
public sealed record DnsblListError(string Zone, string Reason);
