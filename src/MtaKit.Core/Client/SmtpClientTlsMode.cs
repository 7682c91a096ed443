namespace MtaKit;

/// <summary>When a <see cref="SmtpClientConnection"/> uses STARTTLS.</summary>
public enum SmtpClientTlsMode
{
    /// <summary>Never; the session stays in plain text.</summary>
    None,

    /// <summary>
    /// When the peer offers STARTTLS. The certificate is not authenticated (RFC 7435 opportunistic
    /// security); when the handshake fails the client reconnects once without TLS.
    /// </summary>
    Opportunistic,

    /// <summary>Always: a peer without STARTTLS or a failed handshake is a transient failure (4.7.4 / 4.7.5).</summary>
    Required,
}
