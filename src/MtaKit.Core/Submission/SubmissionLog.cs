using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of the submission side (event ids 6000-6049).</summary>
internal static partial class SubmissionLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Users file {Path} loaded: {Count} users")]
    public static partial void UsersLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Users file {Path}: {Problem}")]
    public static partial void UsersFileProblem(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Users file {Path} could not be read; keeping the previous users")]
    public static partial void UsersFileUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "AUTH failed for {User} from {Client}: {IpFailures} failures from this network, {UserFailures} for this user in the window")]
    public static partial void AuthFailed(ILogger logger, string user, string client, long ipFailures, long userFailures);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "AUTH throttled for {User} from {Client} ({Subject}): 454 4.7.0")]
    public static partial void AuthThrottled(ILogger logger, string user, string client, string subject);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning, Message = "Sender refused: user {User} from {Client} may not send as <{Sender}> ({Where})")]
    public static partial void SenderRefused(ILogger logger, string user, string client, string sender, string where);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "Recipient cap: user {User} from {Client} tried more than {Limit} recipients in one message")]
    public static partial void TooManyRecipients(ILogger logger, string? user, string client, int limit);

    [LoggerMessage(EventId = 6030, Level = LogLevel.Debug, Message = "Transaction {TransactionId}: added {Header}")]
    public static partial void HeaderAdded(ILogger logger, string transactionId, string header);
}
