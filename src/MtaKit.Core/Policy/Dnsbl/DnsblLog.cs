using System.Net;
using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of DNSBL checks (event ids 1250-1299).</summary>
internal static partial class DnsblLog
{
    [LoggerMessage(EventId = 1250, Level = LogLevel.Warning, Message = "DNSBL {Zone} error for {Address}: {Reason} (not counted as a listing)")]
    public static partial void ListError(ILogger logger, string zone, string address, string reason);

    [LoggerMessage(EventId = 1251, Level = LogLevel.Information, Message = "DNSBL {Address}: score {Score}/{Threshold} from {Hits}")]
    public static partial void Scored(ILogger logger, IPAddress address, int score, int threshold, string hits);
}
