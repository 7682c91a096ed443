using System.Diagnostics.Metrics;
using MtaKit.Queueing;

namespace MtaKit.Hosting;

/// <summary>
/// The queue runner's gauges on the <c>MtaKit</c> meter, tagged with the tier name:
/// <c>mtakit.queue.depth</c> (messages held) and <c>mtakit.queue.oldest_age</c> (seconds since the
/// oldest held message arrived in this tier; 0 when empty).
/// </summary>
internal sealed class QueueGauges : IDisposable
{
    private readonly QueueRunner _runner;
    private readonly TimeProvider _time;
    private readonly Meter? _ownedMeter;

    public QueueGauges(QueueRunner runner, TimeProvider time, IMeterFactory? meterFactory)
    {
        _runner = runner;
        _time = time;
        _ownedMeter = meterFactory is null ? new Meter("MtaKit") : null;
        var meter = _ownedMeter ?? meterFactory!.Create(new MeterOptions("MtaKit"));
        meter.CreateObservableGauge("mtakit.queue.depth", Depth, "{message}", "Messages held by a fallback tier's queue, by tier.");
        meter.CreateObservableGauge("mtakit.queue.oldest_age", OldestAge, "s", "Time since the oldest message held by a tier arrived in it, by tier (0 when empty).");
    }

    public void Dispose() => _ownedMeter?.Dispose();

    private Measurement<long> Depth() => new(_runner.Count, Tier);

    private Measurement<double> OldestAge()
    {
        var entries = _runner.List();
        var age = entries.Count == 0 ? TimeSpan.Zero : _time.GetUtcNow() - entries.Min(e => e.TierArrival);
        return new(Math.Max(0, age.TotalSeconds), Tier);
    }

    private KeyValuePair<string, object?>[] Tier => [new("tier", _runner.Tier.Name)];
}
