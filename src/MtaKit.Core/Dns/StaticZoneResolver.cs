namespace MtaKit;

/// <summary>
/// Answers from a <see cref="StaticZone"/> only, never the network: for demos, tests and local lists.
/// A name the zone does not define answers NXDOMAIN.
/// </summary>
/// <param name="zone">The zone data.</param>
public sealed class StaticZoneResolver(StaticZone zone) : IDnsResolver
{
    /// <summary>The zone data.</summary>
    public StaticZone Zone { get; } = zone ?? throw new ArgumentNullException(nameof(zone));

    /// <inheritdoc/>
    public ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Zone.Answer(name, type));
    }
}
