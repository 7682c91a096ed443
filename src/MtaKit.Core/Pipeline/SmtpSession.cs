using System.Net;
using System.Security.Authentication;

namespace MtaKit;

/// <summary>One client connection as the stages see it. The engine updates it as the session goes on.</summary>
public sealed class SmtpSession
{
    internal SmtpSession(string id, string listenerName, string serverName, IPEndPoint remote, IPEndPoint local, DateTimeOffset connectedAt, CancellationToken aborted)
    {
        Id = id;
        ListenerName = listenerName;
        ServerName = serverName;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        ConnectedAt = connectedAt;
        Aborted = aborted;
    }

    /// <summary>A unique id for this connection (log correlation).</summary>
    public string Id { get; }

    /// <summary>The name of the listener that accepted the connection.</summary>
    public string ListenerName { get; }

    /// <summary>This server's host name (greeting, Received header).</summary>
    public string ServerName { get; }

    /// <summary>The client's address: from the PROXY header when the listener uses one; IPv4-mapped IPv6 normalised to IPv4.</summary>
    public IPEndPoint RemoteEndPoint { get; internal set; }

    /// <summary>The address the client connected to (from the PROXY header when present).</summary>
    public IPEndPoint LocalEndPoint { get; internal set; }

    /// <summary>The load balancer's address when a PROXY header set <see cref="RemoteEndPoint"/>, else <see langword="null"/>.</summary>
    public IPEndPoint? ProxyEndPoint { get; internal set; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The name given in HELO/EHLO, or <see langword="null"/> before it.</summary>
    public string? HeloName { get; internal set; }

    /// <summary>True after EHLO (as opposed to HELO).</summary>
    public bool IsExtended { get; internal set; }

    /// <summary>True once STARTTLS (or implicit TLS) completed.</summary>
    public bool IsSecure { get; internal set; }

    /// <summary>The TLS protocol in use, or <see cref="SslProtocols.None"/>.</summary>
    public SslProtocols TlsProtocol { get; internal set; }

    /// <summary>The TLS cipher suite in use, or <see langword="null"/>.</summary>
    public string? TlsCipher { get; internal set; }

    /// <summary>The server name the client asked for with SNI, or <see langword="null"/>.</summary>
    public string? TlsServerName { get; internal set; }

    /// <summary>The user name after a successful AUTH, or <see langword="null"/>.</summary>
    public string? AuthenticatedUser { get; internal set; }

    /// <summary>Messages accepted so far on this connection.</summary>
    public int MessageCount { get; internal set; }

    /// <summary>Values stages attach for later stages.</summary>
    public PropertyBag Properties { get; } = new();

    /// <summary>Cancelled when the connection is lost or the server stops.</summary>
    public CancellationToken Aborted { get; }
}
