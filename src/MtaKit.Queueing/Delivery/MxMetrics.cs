using System.Diagnostics.Metrics;

namespace MtaKit.Queueing;

// Instruments of MX delivery, on the shared "MtaKit" meter.
internal static class MxMetrics
{
    private static readonly Meter Meter = new("MtaKit");
    private static readonly Counter<long> Lookups = Meter.CreateCounter<long>("mtakit.mx.lookups", description: "MX resolutions for deliveries, by outcome (success, nullmx, nosuchdomain, nomailhost, invaliddomain, temporaryfailure).");
    private static readonly Counter<long> MtaStsPolicies = Meter.CreateCounter<long>("mtakit.mx.mta_sts", description: "MX deliveries under an MTA-STS policy, by mode.");

    public static void Lookup(MxResolutionStatus status)
        => Lookups.Add(1, new KeyValuePair<string, object?>("outcome", status.ToString().ToLowerInvariant()));

    public static void MtaSts(MtaStsMode mode)
        => MtaStsPolicies.Add(1, new KeyValuePair<string, object?>("mode", mode.ToString().ToLowerInvariant()));
}
