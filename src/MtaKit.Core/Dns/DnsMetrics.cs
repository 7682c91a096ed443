using System.Diagnostics.Metrics;

namespace MtaKit;

/// <summary>The resolver's instruments on the "MtaKit" meter.</summary>
internal sealed class DnsMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;

    public DnsMetrics(IMeterFactory? meterFactory)
    {
        var meter = CreateMeter(meterFactory, out _ownedMeter);
        Queries = meter.CreateCounter<long>("mtakit.dns.queries", "{query}", "DNS queries sent to a server.");
        CacheHits = meter.CreateCounter<long>("mtakit.dns.cache.hits", "{lookup}", "DNS lookups answered from the cache.");
        CacheMisses = meter.CreateCounter<long>("mtakit.dns.cache.misses", "{lookup}", "DNS lookups the cache could not answer (sent, or joined a query in flight); hits / (hits + misses) is the hit ratio.");
        Coalesced = meter.CreateCounter<long>("mtakit.dns.coalesced", "{lookup}", "DNS lookups that joined an identical query already in flight.");
        Failures = meter.CreateCounter<long>("mtakit.dns.failures", "{query}", "DNS queries that failed (SERVFAIL, timeout, refused, error), by status.");
        Duration = meter.CreateHistogram<double>("mtakit.dns.query.duration", "s", "Time for a DNS server to answer a query.");
    }

    public Counter<long> Queries { get; }

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Counter<long> Coalesced { get; }

    public Counter<long> Failures { get; }

    public Histogram<double> Duration { get; }

    public void Dispose() => _ownedMeter?.Dispose();

    /// <summary>The "MtaKit" meter from the factory, or a private one the caller must dispose (<paramref name="owned"/>).</summary>
    internal static Meter CreateMeter(IMeterFactory? meterFactory, out Meter? owned)
    {
        owned = meterFactory is null ? new Meter("MtaKit") : null;
        return owned ?? meterFactory!.Create(new MeterOptions("MtaKit"));
    }
}
