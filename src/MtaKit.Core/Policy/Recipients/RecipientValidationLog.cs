using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of recipient validation (event ids 4140-4159).</summary>
internal static partial class RecipientValidationLog
{
    [LoggerMessage(EventId = 4140, Level = LogLevel.Information, Message = "Recipient {Recipient} unknown ({Source})")]
    public static partial void Unknown(ILogger logger, string recipient, string source);

    [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Callout for {Recipient} to {NextHop} failed: {Reply}")]
    public static partial void CalloutFailed(ILogger logger, string recipient, string nextHop, string reply);

    [LoggerMessage(EventId = 4142, Level = LogLevel.Debug, Message = "Callout for {Recipient} to {NextHop}: {Reply}")]
    public static partial void CalloutAnswered(ILogger logger, string recipient, string nextHop, string reply);
}
