using Microsoft.Extensions.Logging;

namespace MtaKit.Redis;

/// <summary>Log messages of the Redis hints store (event ids 5000-5099).</summary>
internal static partial class RedisHintsLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Redis hints store unreachable during {Operation}, failing open (no data, limits not enforced); {Suppressed} similar failures not logged since the last warning")]
    public static partial void FailingOpen(ILogger logger, string operation, long suppressed, Exception exception);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Redis hints store reachable again after {Failures} failed operations")]
    public static partial void Recovered(ILogger logger, long failures);
}
