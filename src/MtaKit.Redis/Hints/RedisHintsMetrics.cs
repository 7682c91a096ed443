using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MtaKit.Redis;

/// <summary>The instruments of the Redis hints store on the "MtaKit" meter.</summary>
internal sealed class RedisHintsMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, RedisHintsMetrics> ByFactory = [];
    private static readonly Lazy<RedisHintsMetrics> Shared = new(() => new RedisHintsMetrics(new Meter("MtaKit")));

    private RedisHintsMetrics(Meter meter)
        => Failures = meter.CreateCounter<long>("mtakit.hints.redis.failures", "{operation}", "Hints store operations that found Redis unreachable and failed open, by operation.");

    public Counter<long> Failures { get; }

    // One set of instruments per factory (the factory owns and caches the meter), or a process-wide one without DI.
    public static RedisHintsMetrics Get(IMeterFactory? factory)
        => factory is null ? Shared.Value : ByFactory.GetValue(factory, f => new RedisHintsMetrics(f.Create(new MeterOptions("MtaKit"))));
}
