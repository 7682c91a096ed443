using Microsoft.Extensions.Logging;

namespace MtaKit.Relay;

/// <summary>The pass-through relay's log lines (event ids 2200-2299).</summary>
internal static partial class RelayLog
{
    [LoggerMessage(2200, LogLevel.Information, "relay {QueueId} downstream={Hop} opened ({Kind})")]
    public static partial void Opened(ILogger logger, string queueId, string hop, string kind);

    [LoggerMessage(2201, LogLevel.Warning, "relay {QueueId} downstream={Hop} unavailable: {Reply}")]
    public static partial void HopFailed(ILogger logger, string queueId, string hop, SmtpReply reply);

    [LoggerMessage(2202, LogLevel.Information, "relay {QueueId} rcpt=<{Recipient}> deferred: destination {Destination} differs from the transaction's {Current}")]
    public static partial void RouteChange(ILogger logger, string queueId, string recipient, string destination, string current);

    [LoggerMessage(2203, LogLevel.Information, "relay {QueueId} delivered downstream={Hop} peer-id={PeerQueueId} rcpts={Accepted}/{Total}")]
    public static partial void Delivered(ILogger logger, string queueId, string hop, string? peerQueueId, int accepted, int total);

    [LoggerMessage(2204, LogLevel.Warning, "relay {QueueId} fallback={Hop} took {Count} recipient(s)")]
    public static partial void FallbackTook(ILogger logger, string queueId, string hop, int count);

    [LoggerMessage(2205, LogLevel.Error, "relay {QueueId} could not hand a DSN for {Count} recipient(s) to any fallback host")]
    public static partial void DsnLost(ILogger logger, string queueId, int count);

    [LoggerMessage(2206, LogLevel.Information, "relay {QueueId} DSN for {Count} permanently failed recipient(s) handed to fallback={Hop}")]
    public static partial void DsnHandedOff(ILogger logger, string queueId, int count, string hop);
}
