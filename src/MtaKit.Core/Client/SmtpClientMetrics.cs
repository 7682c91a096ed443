using System.Diagnostics.Metrics;

namespace MtaKit;

/// <summary>Counters of the SMTP/LMTP client on the "MtaKit" meter.</summary>
internal static class SmtpClientMetrics
{
    private static readonly Meter Meter = new("MtaKit");

    /// <summary>Connection attempts, tagged <c>outcome</c> = <c>success</c> or <c>failure</c>.</summary>
    public static readonly Counter<long> Connections = Meter.CreateCounter<long>("mtakit.client.connections", description: "SMTP/LMTP client connection attempts");

    /// <summary>Recipient outcomes after a transaction, tagged <c>status</c>.</summary>
    public static readonly Counter<long> Recipients = Meter.CreateCounter<long>("mtakit.client.recipients", description: "Recipient delivery outcomes of the SMTP/LMTP client");

    /// <summary>Connections dropped on a timeout, I/O error or protocol error.</summary>
    public static readonly Counter<long> Faults = Meter.CreateCounter<long>("mtakit.client.faults", description: "SMTP/LMTP client connections dropped on a fault");

    public static void Count(DeliveryStatus status)
        => Recipients.Add(1, new KeyValuePair<string, object?>("status", status switch
        {
            DeliveryStatus.Accepted => "accepted",
            DeliveryStatus.Transient => "transient",
            _ => "permanent",
        }));
}
