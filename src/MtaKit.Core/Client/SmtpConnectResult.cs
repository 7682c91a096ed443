using System.Diagnostics.CodeAnalysis;

namespace MtaKit;

/// <summary>
/// The outcome of <see cref="SmtpClientConnection.ConnectAsync(SmtpClientEndpoint, SmtpClientOptions, CancellationToken)"/>:
/// a ready connection, or the reply that explains why there is none (the peer's own, or one the
/// client made for a refused connection, timeout, TLS or AUTH failure).
/// </summary>
public sealed class SmtpConnectResult
{
    internal SmtpConnectResult(SmtpClientConnection? connection, SmtpReply reply, bool isPeerReply)
    {
        Connection = connection;
        Reply = reply;
        IsPeerReply = isPeerReply;
    }

    /// <summary>True when <see cref="Connection"/> is ready for a transaction.</summary>
    [MemberNotNullWhen(true, nameof(Connection))]
    public bool Succeeded => Connection is not null;

    /// <summary>The connection, or <see langword="null"/> on failure.</summary>
    public SmtpClientConnection? Connection { get; }

    /// <summary>On success the EHLO/LHLO (or HELO) reply; on failure the reply that explains it.</summary>
    public SmtpReply Reply { get; }

    /// <summary>False when the client made <see cref="Reply"/> itself.</summary>
    public bool IsPeerReply { get; }
}
