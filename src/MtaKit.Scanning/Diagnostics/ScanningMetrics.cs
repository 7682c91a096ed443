using System.Diagnostics.Metrics;

namespace MtaKit.Scanning;

/// <summary>The scanning instruments on the <c>MtaKit</c> meter.</summary>
internal static class ScanningMetrics
{
    public static readonly Meter Meter = new("MtaKit");

    /// <summary>Scans by scanner and verdict.</summary>
    public static readonly Counter<long> Scans = Meter.CreateCounter<long>("mtakit.scan.results", "{scan}", "Scan results by scanner and verdict.");

    /// <summary>Scan durations by scanner.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("mtakit.scan.duration", "s", "Time one scan attempt took.");

    /// <summary>Attempts that failed over to another endpoint.</summary>
    public static readonly Counter<long> Failovers = Meter.CreateCounter<long>("mtakit.scan.failovers", "{attempt}", "Scan attempts that failed and moved to another endpoint.");

    /// <summary>Scans for which no endpoint of a pool answered.</summary>
    public static readonly Counter<long> Unavailable = Meter.CreateCounter<long>("mtakit.scan.unavailable", "{scan}", "Scans no endpoint of the pool answered.");

    public static void Record(ScanResult result)
    {
        Scans.Add(1, new("scanner", result.Scanner), new("verdict", result.Verdict.ToString()));
        Duration.Record(result.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("scanner", result.Scanner));
    }
}
