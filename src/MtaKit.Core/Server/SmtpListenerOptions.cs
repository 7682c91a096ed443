using System.Net;

namespace MtaKit.Server;

/// <summary>What to do with a bare CR or LF inside DATA.</summary>
public enum BareLineEndingPolicy
{
    /// <summary>Refuse the message with 554 5.6.0 (as Postfix's <c>smtpd_forbid_bare_newline = reject</c>).</summary>
    Reject,

    /// <summary>Turn each bare CR or LF into CRLF. The sequence still never ends DATA.</summary>
    Normalize,
}

/// <summary>The ESMTP extensions a listener offers.</summary>
[Flags]
public enum SmtpExtensions
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>PIPELINING (RFC 2920).</summary>
    Pipelining = 1,

    /// <summary>SIZE (RFC 1870).</summary>
    Size = 2,

    /// <summary>8BITMIME (RFC 6152).</summary>
    EightBitMime = 4,

    /// <summary>CHUNKING (RFC 3030).</summary>
    Chunking = 8,

    /// <summary>BINARYMIME (RFC 3030); needs <see cref="Chunking"/>.</summary>
    BinaryMime = 16,

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    SmtpUtf8 = 32,

    /// <summary>DSN (RFC 3461): only for hosts that send the DSNs they owe.</summary>
    Dsn = 64,

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034).</summary>
    EnhancedStatusCodes = 128,

    /// <summary>The default set: everything but DSN.</summary>
    Default = Pipelining | Size | EightBitMime | Chunking | BinaryMime | SmtpUtf8 | EnhancedStatusCodes,
}

/// <summary>TLS settings of a listener.</summary>
public sealed record SmtpTlsOptions
{
    /// <summary>The certificates: the first is the default; others are chosen by SNI.</summary>
    public IReadOnlyList<TlsCertificateSource> Certificates { get; init; } = [];

    /// <summary>Lowest TLS version accepted. <value>The default value is TLS 1.2.</value></summary>
    public System.Security.Authentication.SslProtocols MinimumProtocol { get; init; } = System.Security.Authentication.SslProtocols.Tls12;

    /// <summary>How long the TLS handshake may take. <value>The default value is 30 seconds.</value></summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where a certificate comes from: PEM certificate and key files, or a PFX file. Reloaded when the files change.</summary>
public sealed record TlsCertificateSource
{
    /// <summary>A PEM certificate (chain) file, or a PFX/PKCS#12 file.</summary>
    public required string CertificatePath { get; init; }

    /// <summary>The PEM private key file; <see langword="null"/> for PFX (or a PEM holding the key too).</summary>
    public string? KeyPath { get; init; }

    /// <summary>The PFX password.</summary>
    public string? PfxPassword { get; init; }
}

/// <summary>One listening endpoint and what it offers. Immutable.</summary>
public sealed record SmtpListenerOptions
{
    /// <summary>The listener's name (logs, metrics, configuration key).</summary>
    public required string Name { get; init; }

    /// <summary>Where to listen (port 0 picks a free port; see <see cref="SmtpServer.GetEndPoint"/>).</summary>
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>Expect a PROXY protocol v1/v2 header from a trusted proxy on every connection.</summary>
    public bool ProxyProtocol { get; init; }

    /// <summary>Networks allowed to send a PROXY header; required when <see cref="ProxyProtocol"/> is on.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>How long to wait for the PROXY header. <value>The default value is 3 seconds.</value></summary>
    public TimeSpan ProxyHeaderTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>TLS certificates; STARTTLS is offered only when set.</summary>
    public SmtpTlsOptions? Tls { get; init; }

    /// <summary>TLS from the first byte (submissions on port 465).</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>Offer AUTH only over TLS. <value>The default value is <see langword="true"/>.</value></summary>
    public bool RequireTlsForAuth { get; init; } = true;

    /// <summary>Refuse MAIL until the client authenticated (530 5.7.0).</summary>
    public bool RequireAuth { get; init; }

    /// <summary>Refuse MAIL until STARTTLS completed (530 5.7.0).</summary>
    public bool RequireTls { get; init; }

    /// <summary>The listener's limits; <see langword="null"/> uses the server's.</summary>
    public SmtpLimits? Limits { get; init; }

    /// <summary>The extensions offered. <value>The default value is <see cref="SmtpExtensions.Default"/>.</value></summary>
    public SmtpExtensions Extensions { get; init; } = SmtpExtensions.Default;

    /// <summary>Pause before the greeting; input that arrives during it marks an early talker (554, then only QUIT). Zero disables the check.</summary>
    public TimeSpan GreetingDelay { get; init; }

    /// <summary>What a bare CR or LF in DATA gets. <value>The default value is <see cref="BareLineEndingPolicy.Reject"/>.</value></summary>
    public BareLineEndingPolicy BareLineEndings { get; init; } = BareLineEndingPolicy.Reject;

    /// <summary>
    /// Extra MAIL parameters this listener accepts (upper case, e.g. the private tier hand-off
    /// parameter), advertised in EHLO and accepted only from <see cref="ExtraMailParametersFrom"/>.
    /// </summary>
    public IReadOnlyList<string> ExtraMailParameters { get; init; } = [];

    /// <summary>The client networks that may use <see cref="ExtraMailParameters"/>; from anyone else they get 555 5.5.4.</summary>
    public IReadOnlyList<IPNetwork> ExtraMailParametersFrom { get; init; } = [];

    /// <summary>Checks the options; returns one message per problem, naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        var p = $"MtaKit:Listeners:{Name}:";
        if (ProxyProtocol && TrustedProxies.Count == 0)
        {
            yield return $"{p}ProxyProtocol is on but {p}TrustedProxies is empty: name the networks of the load balancers allowed to send a PROXY header.";
        }

        if (ImplicitTls && (Tls is null || Tls.Certificates.Count == 0))
        {
            yield return $"{p}ImplicitTls needs a certificate ({p}Tls:CertificatePath).";
        }

        if (Tls is { } tls)
        {
            foreach (var c in tls.Certificates)
            {
                if (!File.Exists(c.CertificatePath))
                {
                    yield return $"{p}Tls:CertificatePath '{c.CertificatePath}' does not exist.";
                }

                if (c.KeyPath is not null && !File.Exists(c.KeyPath))
                {
                    yield return $"{p}Tls:KeyPath '{c.KeyPath}' does not exist.";
                }
            }
        }

        if ((Extensions & SmtpExtensions.BinaryMime) != 0 && (Extensions & SmtpExtensions.Chunking) == 0)
        {
            yield return $"{p}Extensions: BINARYMIME needs CHUNKING.";
        }

        if (Limits is not null)
        {
            foreach (var e in Limits.Validate(p + "Limits:"))
            {
                yield return e;
            }
        }
    }
}
