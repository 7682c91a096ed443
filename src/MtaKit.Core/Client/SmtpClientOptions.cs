namespace MtaKit;

/// <summary>
/// How a <see cref="SmtpClientConnection"/> talks to one route's peers: protocol, TLS, AUTH and the
/// RFC 5321 section 4.5.3.2 timeouts. Immutable; validated when a connection or pool is created.
/// </summary>
public sealed record SmtpClientOptions
{
    /// <summary>The name sent with EHLO/LHLO/HELO.</summary>
    /// <value>The default value is the machine name.</value>
    public string HeloName { get; init; } = Environment.MachineName;

    /// <summary>SMTP or LMTP.</summary>
    /// <value>The default value is <see cref="SmtpClientProtocol.Smtp"/>.</value>
    public SmtpClientProtocol Protocol { get; init; } = SmtpClientProtocol.Smtp;

    /// <summary>When to use STARTTLS.</summary>
    /// <value>The default value is <see cref="SmtpClientTlsMode.Opportunistic"/>.</value>
    public SmtpClientTlsMode TlsMode { get; init; } = SmtpClientTlsMode.Opportunistic;

    /// <summary>Whether the peer's certificate must be valid for the endpoint's host name when TLS is required.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ValidateCertificate { get; init; } = true;

    /// <summary>
    /// The only trust anchors for certificate validation (a private CA, or tests); <see langword="null"/>
    /// uses the system's root store.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRootCertificates { get; init; }

    /// <summary>Credentials for AUTH PLAIN or LOGIN, or <see langword="null"/> for no AUTH.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public SmtpClientCredentials? Credentials { get; init; }

    /// <summary>Whether credentials may be sent over a connection without TLS.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowAuthWithoutTls { get; init; }

    /// <summary>Whether MAIL and the RCPTs of <see cref="SmtpClientConnection.SendAsync"/> go in one write when the peer offers PIPELINING.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UsePipelining { get; init; } = true;

    /// <summary>Whether the message is sent with BDAT when the peer offers CHUNKING (BINARYMIME always uses BDAT).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseChunking { get; init; } = true;

    /// <summary>The size of one BDAT chunk in bytes.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int ChunkSize { get; init; } = 1024 * 1024;

    /// <summary>How long to wait for the TCP (or Unix socket) connection.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the greeting (RFC 5321 "initial 220 message").</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for the reply to EHLO, STARTTLS, AUTH, RSET, NOOP or QUIT, and for the TLS handshake.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for the reply to MAIL.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan MailTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for the reply to one RCPT.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan RcptTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for the 354 reply to DATA.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan DataInitiationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one write of message data (or one BDAT chunk's reply) may take.</summary>
    /// <value>The default value is 3 minutes.</value>
    public TimeSpan DataBlockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long to wait for the reply(s) after the end of data.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan DataTerminationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The budget of one whole transaction, from MAIL to the last reply after the data.</summary>
    /// <value>The default value is 30 minutes.</value>
    public TimeSpan TransactionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The clock for every timeout.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(HeloName) || HeloName.AsSpan().IndexOfAny(" \r\n\t") >= 0)
        {
            throw new ArgumentException($"{nameof(HeloName)} must be a non-empty name without spaces or line breaks.", nameof(HeloName));
        }

        if (!Enum.IsDefined(Protocol) || !Enum.IsDefined(TlsMode))
        {
            throw new ArgumentException($"{nameof(Protocol)} or {nameof(TlsMode)} is not a defined value.");
        }

        if (ChunkSize < 512)
        {
            throw new ArgumentException($"{nameof(ChunkSize)} must be at least 512 bytes.", nameof(ChunkSize));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (Credentials is { } c && (string.IsNullOrEmpty(c.UserName) || c.Password is null))
        {
            throw new ArgumentException($"{nameof(Credentials)} need a user name and a password.", nameof(Credentials));
        }

        foreach (var (name, value) in new[]
        {
            (nameof(ConnectTimeout), ConnectTimeout), (nameof(GreetingTimeout), GreetingTimeout),
            (nameof(CommandTimeout), CommandTimeout), (nameof(MailTimeout), MailTimeout),
            (nameof(RcptTimeout), RcptTimeout), (nameof(DataInitiationTimeout), DataInitiationTimeout),
            (nameof(DataBlockTimeout), DataBlockTimeout), (nameof(DataTerminationTimeout), DataTerminationTimeout),
            (nameof(TransactionTimeout), TransactionTimeout),
        })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
            {
                throw new ArgumentException($"{name} must be positive and at most one day (was {value}).", name);
            }
        }
    }
}
