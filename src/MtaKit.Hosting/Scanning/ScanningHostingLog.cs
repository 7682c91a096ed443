using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting;

/// <summary>Start-up log events of <c>UseScanning</c> (ids 3250-3299; the stage itself uses 3200-3249).</summary>
internal static partial class ScanningHostingLog
{
    [LoggerMessage(EventId = 3250, Level = LogLevel.Warning, Message = "Listener {Listener} accepts messages up to {ListenerMax} bytes but {Scanner} takes at most {ScannerMax} bytes ({Key}): larger messages {Consequence}")]
    public static partial void ScannerLimitBelowListener(ILogger logger, string listener, long listenerMax, string scanner, long scannerMax, string key, string consequence);

    [LoggerMessage(EventId = 3251, Level = LogLevel.Information, Message = "Scanning with {Scanners}; FailPolicy {FailPolicy}, TooLargePolicy {TooLargePolicy}, tag at {TagScore}, reject at {RejectScore}")]
    public static partial void Configured(ILogger logger, string scanners, Scanning.ScanFailPolicy failPolicy, Scanning.ScanTooLargePolicy tooLargePolicy, double tagScore, double rejectScore);
}
