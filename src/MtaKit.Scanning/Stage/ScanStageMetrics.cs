using System.Diagnostics.Metrics;

namespace MtaKit.Scanning;

/// <summary>The data-scan stage's instrument on the <c>MtaKit</c> meter.</summary>
internal static class ScanStageMetrics
{
    /// <summary>Messages by the stage's outcome: accept, tag, quarantine, reject, defer, unscanned, too-large.</summary>
    public static readonly Counter<long> Messages = ScanningMetrics.Meter.CreateCounter<long>("mtakit.scan.messages", "{message}", "Messages the data-scan stage decided, by outcome.");

    public static void Record(string outcome) => Messages.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
