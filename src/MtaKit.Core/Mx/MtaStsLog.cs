using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Log lines of MTA-STS (event ids 6110-6129).</summary>
internal static partial class MtaStsLog
{
    [LoggerMessage(6110, LogLevel.Warning, "MTA-STS {Domain}: fetching {Uri} failed: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string domain, Uri uri, string reason);

    [LoggerMessage(6111, LogLevel.Warning, "MTA-STS {Domain}: invalid policy: {Reason}")]
    public static partial void InvalidPolicy(ILogger logger, string domain, string reason);

    [LoggerMessage(6112, LogLevel.Information, "MTA-STS {Domain}: policy id={Id} mode={Mode} max_age={MaxAge} mx={Patterns}")]
    public static partial void PolicyFetched(ILogger logger, string domain, string id, MtaStsMode mode, TimeSpan maxAge, string patterns);

    [LoggerMessage(6113, LogLevel.Debug, "MTA-STS {Domain}: {Reason}; using the cached policy id={Id}")]
    public static partial void UsingCached(ILogger logger, string domain, string reason, string id);
}
