using Microsoft.Extensions.Logging;

namespace MtaKit.Scanning;

/// <summary>The data-scan stage's log events (ids 3200-3249; hosting uses 3250-3299).</summary>
internal static partial class ScanStageLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Message {QueueId} rejected by scanning ({Reply}): {Deciding}")]
    public static partial void Rejected(ILogger logger, string queueId, string reply, string deciding);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Message {QueueId} deferred by scanning ({Reply}): {Deciding}")]
    public static partial void Deferred(ILogger logger, string queueId, string reply, string deciding);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Message {QueueId} tagged as spam (score {Score:0.0}, {Action}): {Deciding}")]
    public static partial void Tagged(ILogger logger, string queueId, double score, SpamTagAction action, string deciding);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Message {QueueId} accepted without a complete scan: {Results}")]
    public static partial void Unscanned(ILogger logger, string queueId, string results);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Message {QueueId} ({Size} bytes) is too large for {Scanner}: {Reason}; policy {Policy}")]
    public static partial void TooLarge(ILogger logger, string queueId, long size, string scanner, string? reason, ScanTooLargePolicy policy);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Message {QueueId} scanned: {Action}; {Results}")]
    public static partial void Scanned(ILogger logger, string queueId, ScanAction action, string results);
}
