using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of DKIM signing (event ids 6050-6059).</summary>
internal static partial class DkimSigningLog
{
    [LoggerMessage(EventId = 6050, Level = LogLevel.Debug, Message = "Transaction {TransactionId}: DKIM signed d={Domain} s={Selectors}")]
    public static partial void Signed(ILogger logger, string transactionId, string domain, string selectors);

    [LoggerMessage(EventId = 6051, Level = LogLevel.Warning, Message = "Transaction {TransactionId}: DKIM signing for {Domain} failed; the message goes unsigned")]
    public static partial void SigningFailed(ILogger logger, string transactionId, string domain, Exception exception);

    [LoggerMessage(EventId = 6052, Level = LogLevel.Debug, Message = "Transaction {TransactionId}: not DKIM signed, no key for From {From}")]
    public static partial void NotSigned(ILogger logger, string transactionId, string from);
}
