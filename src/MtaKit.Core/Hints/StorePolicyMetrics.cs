using System.Runtime.CompilerServices;
using System.Diagnostics.Metrics;

namespace MtaKit;

/// <summary>The instruments of the hints-based policy stages (rate limits, greylisting, recipient validation) on the "MtaKit" meter.</summary>
internal sealed class StorePolicyMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, StorePolicyMetrics> ByFactory = [];
    private static readonly Lazy<StorePolicyMetrics> Shared = new(() => new StorePolicyMetrics(new Meter("MtaKit")));

    private StorePolicyMetrics(Meter meter)
    {
        RateLimited = meter.CreateCounter<long>("mtakit.ratelimit.refused", "{command}", "Commands refused by a rate limit, by phase and key.");
        Greylisting = meter.CreateCounter<long>("mtakit.greylisting.results", "{recipient}", "Greylisting outcomes (deferred, passed, bypassed, allowed client).");
        Recipients = meter.CreateCounter<long>("mtakit.recipients.results", "{recipient}", "Recipient validation outcomes (accepted, unknown, deferred), by source.");
    }

    public Counter<long> RateLimited { get; }

    public Counter<long> Greylisting { get; }

    public Counter<long> Recipients { get; }

    // One set of instruments per factory (the factory owns and caches the meter), or a process-wide one without DI.
    public static StorePolicyMetrics Get(IMeterFactory? factory)
        => factory is null ? Shared.Value : ByFactory.GetValue(factory, f => new StorePolicyMetrics(f.Create(new MeterOptions("MtaKit"))));
}
