using Microsoft.Extensions.Logging;

namespace MtaKit.Queueing;

internal static partial class SpoolLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Spool entry {File} is unreadable and was moved to {CorruptDirectory}: {Reason}")]
    public static partial void CorruptEntry(ILogger logger, string file, string corruptDirectory, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Removed {File}, a spool write a crash interrupted")]
    public static partial void RemovedPartialWrite(ILogger logger, string file);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Spool recovery could not clean up {File}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Spool recovery found {Count} queued messages in {Path}")]
    public static partial void Recovered(ILogger logger, int count, string path);
}
