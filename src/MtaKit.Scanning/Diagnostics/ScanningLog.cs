using Microsoft.Extensions.Logging;

namespace MtaKit.Scanning;

/// <summary>The scanning log events (ids 3100-3199).</summary>
internal static partial class ScanningLog
{
    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Scanner {Endpoint} failed ({Reason}); resting it for {RestSeconds:0.###} s after {Failures} failure(s) in a row")]
    public static partial void EndpointRested(ILogger logger, string endpoint, string? reason, double restSeconds, int failures);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "Scanner {Endpoint} is back after {Failures} failure(s)")]
    public static partial void EndpointRecovered(ILogger logger, string endpoint, int failures);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Error, Message = "No scanner of pool {Pool} answered: {Reason}")]
    public static partial void PoolUnavailable(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Debug, Message = "Scan on {Endpoint} failed ({Reason}); failing over")]
    public static partial void Failover(ILogger logger, string endpoint, string? reason);
}
