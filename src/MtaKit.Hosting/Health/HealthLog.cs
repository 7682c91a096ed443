using System.Net;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting.Health;

/// <summary>Log events of the health endpoint and the stop sequence (ids 7000-7019).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "health {Mode} listening {EndPoint}")]
    public static partial void Listening(ILogger logger, HealthProbeMode mode, IPEndPoint endPoint);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "health status={Status} {Description}")]
    public static partial void Changed(ILogger logger, string status, string description);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "stopping: reporting unhealthy for {GracePeriod} before closing the listeners")]
    public static partial void Stopping(ILogger logger, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "health probe from {Client} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, EndPoint? client, string reason);
}
