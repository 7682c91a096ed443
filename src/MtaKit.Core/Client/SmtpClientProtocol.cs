namespace MtaKit;

/// <summary>The protocol a <see cref="SmtpClientConnection"/> speaks to its peer.</summary>
public enum SmtpClientProtocol
{
    /// <summary>ESMTP (RFC 5321): EHLO, one reply after the end of data.</summary>
    Smtp,

    /// <summary>LMTP (RFC 2033): LHLO, one reply per accepted recipient after the end of data.</summary>
    Lmtp,
}
