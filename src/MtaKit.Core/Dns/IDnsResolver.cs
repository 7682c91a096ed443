namespace MtaKit;

/// <summary>
/// Answers DNS questions. Implementations: <see cref="DnsResolver"/> (network, caching),
/// <see cref="StaticZoneResolver"/> (zone files) and <see cref="CompositeDnsResolver"/> (both).
/// Typed lookups (<c>LookupAAsync</c>, <c>LookupMxAsync</c>, ...) are extension methods in <see cref="DnsResolverExtensions"/>.
/// DNS failures are answers with a failure <see cref="DnsStatus"/>, never exceptions.
/// </summary>
public interface IDnsResolver
{
    /// <summary>Asks for the records of <paramref name="type"/> at <paramref name="name"/>, following CNAMEs.</summary>
    /// <param name="name">The domain name (a trailing dot is optional; case does not matter).</param>
    /// <param name="type">The record type.</param>
    /// <param name="cancellationToken">Cancels the wait (a shared in-flight query keeps running for other callers).</param>
    ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default);
}
