using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of DKIM verification (event ids 4200-4219).</summary>
internal static partial class DkimLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "DKIM d={Domain} s={Selector}: {Result} {Problem}")]
    public static partial void Verified(ILogger logger, string domain, string selector, DkimResult result, string? problem);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "DKIM: {Skipped} signatures beyond the limit of {Limit} were not verified")]
    public static partial void Skipped(ILogger logger, int skipped, int limit);
}
