using Microsoft.Extensions.Logging;

namespace MtaKit.Queueing;

/// <summary>Log lines of MX delivery (event ids 6100-6199).</summary>
internal static partial class MxLog
{
    [LoggerMessage(6100, LogLevel.Debug, "queue {QueueId} MX {Domain}{Implicit}: {Hosts}")]
    private static partial void ResolvedCore(ILogger logger, QueueId queueId, string domain, string @implicit, string hosts);

    [LoggerMessage(6101, LogLevel.Warning, "queue {QueueId} MX {Domain}: {Status} reply=\"{Reply}\"")]
    public static partial void Unresolved(ILogger logger, QueueId queueId, string domain, MxResolutionStatus status, SmtpReply reply);

    [LoggerMessage(6102, LogLevel.Warning, "queue {QueueId} MX {Domain}: host {Host} does not match the MTA-STS policy (mode {Mode})")]
    public static partial void MtaStsMismatch(ILogger logger, QueueId queueId, string domain, string host, MtaStsMode mode);

    public static void Resolved(ILogger logger, QueueId queueId, string domain, bool isImplicit, string hosts)
        => ResolvedCore(logger, queueId, domain, isImplicit ? " (implicit MX)" : string.Empty, hosts);
}
