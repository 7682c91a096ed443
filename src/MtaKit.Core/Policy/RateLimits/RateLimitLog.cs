using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of rate limits (event ids 4100-4119).</summary>
internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Rate limit {Rule} exceeded by {Subject}: {Count}/{Limit} {Phase} per {Window}")]
    public static partial void Exceeded(ILogger logger, int rule, string subject, long count, int limit, RateLimitPhase phase, TimeSpan window);
}
