using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MtaKit.Server;

/// <summary>The engine's instruments on the <c>MtaKit</c> meter (docs/observability.md).</summary>
internal sealed class SmtpMetrics
{
    public const string MeterName = "MtaKit";

    public SmtpMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        Connections = meter.CreateCounter<long>("mtakit.smtp.connections", "{connection}", "Connections accepted or refused, by listener and outcome.");
        ActiveConnections = meter.CreateUpDownCounter<long>("mtakit.smtp.active_connections", "{connection}", "Connections open now, by listener.");
        Transactions = meter.CreateCounter<long>("mtakit.smtp.transactions", "{transaction}", "Transactions that reached the end of DATA, by listener and verdict.");
        Rejections = meter.CreateCounter<long>("mtakit.smtp.rejections", "{reply}", "Refusals by phase and reply code.");
        MessageSize = meter.CreateHistogram<long>("mtakit.smtp.message_size", "By", "Size of messages received.");
        TransactionDuration = meter.CreateHistogram<double>("mtakit.smtp.data.duration", "ms", "Time from end of data to the final reply (stages and handler).");
    }

    public Counter<long> Connections { get; }

    public UpDownCounter<long> ActiveConnections { get; }

    public Counter<long> Transactions { get; }

    public Counter<long> Rejections { get; }

    public Histogram<long> MessageSize { get; }

    public Histogram<double> TransactionDuration { get; }

    public static TagList Tags(string key1, object? value1, string key2, object? value2)
        => new() { { key1, value1 }, { key2, value2 } };
}
