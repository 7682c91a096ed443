using Microsoft.Extensions.Logging;

namespace MtaKit.Queueing;

/// <summary>The queue runner's log lines (event ids 3300-3399): one line per delivery attempt.</summary>
internal static partial class QueueLog
{
    [LoggerMessage(3300, LogLevel.Information, "queue {QueueId} tier={Tier} recovered; next attempt {NextAttempt:o}")]
    public static partial void Recovered(ILogger logger, QueueId queueId, string tier, DateTimeOffset nextAttempt);

    [LoggerMessage(3301, LogLevel.Information, "delivery {QueueId} tier={Tier} attempt={Attempt} host={Host} rcpt=<{Recipient}> status={Status} reply=\"{Reply}\" peer-id={PeerQueueId}")]
    public static partial void Attempt(ILogger logger, QueueId queueId, string tier, int attempt, string host, string recipient, DeliveryStatus status, SmtpReply reply, string? peerQueueId);

    [LoggerMessage(3302, LogLevel.Information, "queue {QueueId} tier={Tier} completed: delivered={Delivered} failed={Failed}")]
    public static partial void Completed(ILogger logger, QueueId queueId, string tier, int delivered, int failed);

    [LoggerMessage(3303, LogLevel.Information, "queue {QueueId} tier={Tier} deferred until {NextAttempt:o}: {Reason}")]
    public static partial void Deferred(ILogger logger, QueueId queueId, string tier, DateTimeOffset nextAttempt, string? reason);

    [LoggerMessage(3304, LogLevel.Information, "queue {QueueId} tier={Tier} handed off to {Target} ({Count} recipients)")]
    public static partial void HandedOff(ILogger logger, QueueId queueId, string tier, string target, int count);

    [LoggerMessage(3305, LogLevel.Warning, "queue {QueueId} tier={Tier} hand-off failed: {Reason}; retry at {NextAttempt:o}")]
    public static partial void HandOffFailed(ILogger logger, QueueId queueId, string tier, string reason, DateTimeOffset nextAttempt);

    [LoggerMessage(3306, LogLevel.Information, "queue {QueueId} tier={Tier} expired: {Reason}")]
    public static partial void Expired(ILogger logger, QueueId queueId, string tier, string? reason);

    [LoggerMessage(3307, LogLevel.Information, "queue {QueueId} {Kind} DSN to <{Sender}> queued as {DsnId}")]
    public static partial void DsnQueued(ILogger logger, QueueId queueId, DsnKind kind, string sender, QueueId dsnId);

    [LoggerMessage(3308, LogLevel.Error, "queue {QueueId} processing failed; retry in 1 minute")]
    public static partial void Fault(ILogger logger, Exception exception, QueueId queueId);

    [LoggerMessage(3309, LogLevel.Information, "queue {QueueId} skipped host {Host}: in retry backoff until {Until:o}")]
    public static partial void HostInBackoff(ILogger logger, QueueId queueId, string host, DateTimeOffset until);

    [LoggerMessage(3310, LogLevel.Warning, "queue {QueueId} {Kind} DSN to <{Sender}> suppressed: sender not validated at acceptance")]
    public static partial void DsnSuppressed(ILogger logger, QueueId queueId, DsnKind kind, string sender);
}
