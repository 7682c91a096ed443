using System.Net;
using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of SPF (event ids 1200-1249).</summary>
internal static partial class SpfLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "SPF {Identity} {Domain} for {Address}: {Result} {Detail}")]
    public static partial void Checked(ILogger logger, string identity, string domain, IPAddress address, SpfResult result, string detail);
}
