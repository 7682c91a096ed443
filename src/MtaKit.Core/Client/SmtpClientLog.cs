using Microsoft.Extensions.Logging;

namespace MtaKit;

/// <summary>Source-generated log events of the SMTP/LMTP client (event ids 2100-2119).</summary>
internal static partial class SmtpClientLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Connected to {Endpoint} (TLS: {Encrypted}, extensions: {Extensions})")]
    public static partial void Connected(ILogger logger, SmtpClientEndpoint endpoint, bool encrypted, string extensions);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Connection to {Endpoint} failed: {Reply}")]
    public static partial void ConnectFailed(ILogger logger, SmtpClientEndpoint endpoint, SmtpReply reply);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Connection to {Endpoint} dropped: {Reply}")]
    public static partial void ConnectionFault(ILogger logger, SmtpClientEndpoint endpoint, SmtpReply reply, Exception? exception);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "TLS handshake with {Endpoint} failed; retrying without TLS (opportunistic)")]
    public static partial void TlsFallback(ILogger logger, SmtpClientEndpoint endpoint);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Transaction to {Endpoint}: {Accepted} of {Recipients} recipients accepted")]
    public static partial void TransactionCompleted(ILogger logger, SmtpClientEndpoint endpoint, int accepted, int recipients);
}
