using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MtaKit.Hosting.Tests.Observability;

/// <summary>Listens to the <c>MtaKit</c> meter of one host (its IMeterFactory), as an exporter would.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MeterRecorder(IHost host)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "MtaKit" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects the observable gauges now and returns their last values by instrument.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Observe(string name)
    {
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        return [.. _measurements.Where(m => m.Name == name).Select(m => (m.Value, m.Tags))];
    }

    /// <summary>The sum of a counter's measurements so far.</summary>
    public double Sum(string name) => _measurements.Where(m => m.Name == name).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var t in tags)
        {
            map[t.Key] = t.Value;
        }

        _measurements.Enqueue((instrument.Name, value, map));
    }
}
