using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting.Configuration;

/// <summary>Log events of configuration reloads (ids 7020-7029).</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "reload {Section}: generation {Generation} in use ({Summary}); transactions already open finish on the old one")]
    public static partial void Applied(ILogger logger, string section, int generation, string summary);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Error, Message = "reload {Section}: invalid configuration ignored, generation {Generation} stays in use: {Errors}")]
    public static partial void Rejected(ILogger logger, string section, int generation, string errors);
}
