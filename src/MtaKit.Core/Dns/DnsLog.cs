using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of the DNS resolvers (event ids 1100-1199).</summary>
internal static partial class DnsLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "DNS {Type} {Name}: {Status} in {ElapsedMs:0.0} ms")]
    public static partial void Answered(ILogger logger, string name, DnsRecordType type, DnsStatus status, double elapsedMs);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "DNS {Type} {Name} failed: {Status} ({Reason})")]
    public static partial void Failed(ILogger logger, string name, DnsRecordType type, DnsStatus status, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "DNS resolver uses {Servers} (timeout {Timeout}, retries {Retries}, cache {UseCache})")]
    public static partial void Configured(ILogger logger, string servers, TimeSpan timeout, int retries, bool useCache);
}
