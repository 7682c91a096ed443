using System.Net;
using Microsoft.Extensions.Logging;

namespace MtaKit.Server;

/// <summary>The engine's log lines, with stable event ids (docs/logging.md).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1000, LogLevel.Information, "listening {Listener} {EndPoint}")]
    public static partial void Listening(ILogger logger, string listener, EndPoint endPoint);

    [LoggerMessage(1001, LogLevel.Information, "connect {SessionId} {Listener} client=[{Client}]:{Port}")]
    public static partial void Connected(ILogger logger, string sessionId, string listener, IPAddress client, int port);

    [LoggerMessage(1002, LogLevel.Information, "disconnect {SessionId} client=[{Client}] messages={Messages} errors={Errors} reason={Reason}")]
    public static partial void Disconnected(ILogger logger, string sessionId, IPAddress client, int messages, int errors, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "refused {Listener} client=[{Client}] reason={Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string listener, IPAddress client, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "proxy {Listener} peer=[{Peer}] rejected: {Reason}")]
    public static partial void ProxyRejected(ILogger logger, string listener, IPAddress peer, string reason);

    [LoggerMessage(1010, LogLevel.Information, "reject {SessionId} client=[{Client}] phase={Phase} reply=\"{Reply}\" reason={Reason}")]
    public static partial void Verdict(ILogger logger, string sessionId, IPAddress client, string phase, SmtpReply reply, string? reason);

    [LoggerMessage(1011, LogLevel.Information, "protocol {SessionId} client=[{Client}] reply=\"{Reply}\" command=\"{Command}\"")]
    public static partial void ProtocolError(ILogger logger, string sessionId, IPAddress client, SmtpReply reply, string command);

    [LoggerMessage(1012, LogLevel.Information, "relay-authorised {SessionId} client=[{Client}] rcpt=<{Recipient}> reason={Reason}")]
    public static partial void RelayAuthorised(ILogger logger, string sessionId, IPAddress client, string recipient, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "slow-data {SessionId} client=[{Client}] bytes={Bytes} seconds={Seconds}: below MinimumDataRate, answered 421 4.4.2")]
    public static partial void DataTooSlow(ILogger logger, string sessionId, IPAddress client, long bytes, long seconds);

    [LoggerMessage(1020, LogLevel.Information, "message {QueueId} session={SessionId} client=[{Client}] helo={Helo} from=<{Sender}> rcpts={Recipients} size={Size} verdict={Verdict} reply=\"{Reply}\" reason={Reason} ms={Milliseconds}")]
    public static partial void Transaction(ILogger logger, string queueId, string sessionId, IPAddress client, string? helo, string sender, string recipients, long size, VerdictKind verdict, SmtpReply reply, string? reason, long milliseconds);

    [LoggerMessage(1030, LogLevel.Error, "stage-fault {SessionId} phase={Phase}: answered 451 4.3.0")]
    public static partial void StageFault(ILogger logger, Exception exception, string sessionId, string phase);

    [LoggerMessage(1031, LogLevel.Information, "tls {SessionId} client=[{Client}] failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string sessionId, IPAddress client, string reason);

    [LoggerMessage(1032, LogLevel.Information, "auth {SessionId} client=[{Client}] user={User} mechanism={Mechanism} ok={Ok}")]
    public static partial void Auth(ILogger logger, string sessionId, IPAddress client, string user, string mechanism, bool ok);

    [LoggerMessage(1040, LogLevel.Information, "draining: stopped accepting; {Active} connections open")]
    public static partial void Draining(ILogger logger, int active);
}
