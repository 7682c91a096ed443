using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of DMARC (event ids 4220-4259).</summary>
internal static partial class DmarcLog
{
    [LoggerMessage(EventId = 4220, Level = LogLevel.Debug, Message = "DMARC {FromDomain}: {Result}")]
    public static partial void Evaluated(ILogger logger, string fromDomain, DmarcCheckResult result);

    [LoggerMessage(EventId = 4230, Level = LogLevel.Information, Message = "DMARC {Action} message {QueueId} from {FromDomain}: {Result}")]
    public static partial void Enforced(ILogger logger, string action, string queueId, string fromDomain, DmarcCheckResult result);
}
