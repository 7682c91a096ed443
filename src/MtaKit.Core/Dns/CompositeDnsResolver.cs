namespace MtaKit;

/// <summary>
/// A static zone in front of another resolver: names the zone is authoritative for
/// (<see cref="StaticZone.IsAuthoritativeFor"/>) are answered from it, every other name by the next resolver.
/// </summary>
public sealed class CompositeDnsResolver : IDnsResolver
{
    private readonly StaticZoneResolver _local;
    private readonly IDnsResolver _next;

    /// <summary>Creates the composite.</summary>
    /// <param name="local">Answers for its zones.</param>
    /// <param name="next">Answers everything else (usually a <see cref="DnsResolver"/>).</param>
    public CompositeDnsResolver(StaticZoneResolver local, IDnsResolver next)
    {
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _next = next ?? throw new ArgumentNullException(nameof(next));
    }

    /// <summary>
    /// Returns <paramref name="network"/> alone when <see cref="DnsOptions.StaticZoneFiles"/> is empty, else a
    /// composite with those files in front of it.
    /// </summary>
    /// <exception cref="FormatException">A zone file is invalid.</exception>
    public static IDnsResolver Create(DnsOptions options, IDnsResolver network)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        return options.StaticZoneFiles.Count == 0
            ? network
            : new CompositeDnsResolver(new StaticZoneResolver(StaticZone.Load(options.StaticZoneFiles)), network);
    }

    /// <inheritdoc/>
    public ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
        => _local.Zone.IsAuthoritativeFor(name)
            ? _local.QueryAsync(name, type, cancellationToken)
            : _next.QueryAsync(name, type, cancellationToken);
}
