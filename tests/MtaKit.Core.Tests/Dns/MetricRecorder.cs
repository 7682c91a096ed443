using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MtaKit.Core.Tests.Dns;

/// <summary>An <see cref="IMeterFactory"/> whose meters are listened to: sums counter values by instrument and tag.</summary>
internal sealed class MetricRecorder : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly MeterListener _listener = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
            foreach (var tag in tags)
            {
                _sums.AddOrUpdate($"{instrument.Name}[{tag.Key}={tag.Value}]", value, (_, v) => v + value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => _sums.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        _listener.Start();
    }

    /// <summary>The sum of a counter (or the count of a histogram), optionally of one tag value: <c>name[status=Timeout]</c>.</summary>
    public long Get(string key) => _sums.TryGetValue(key, out var v) ? v : 0;

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        _listener.RecordObservableInstruments();
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
