namespace MtaKit;

/// <summary>
/// What goes with MAIL FROM: body type, SMTPUTF8, size and the RFC 3461 DSN parameters. Each is
/// sent only when the peer announced its extension and dropped otherwise, except SMTPUTF8 and
/// BINARYMIME, which the peer must support (else a permanent failure, 5.6.7 / 5.6.3), and a size
/// above the peer's SIZE limit (a permanent failure, 5.3.4, before anything is sent).
/// </summary>
public sealed record SmtpClientMailParameters
{
    /// <summary>No parameters.</summary>
    public static SmtpClientMailParameters Empty { get; } = new();

    /// <summary>The body type announced with <c>BODY=</c>.</summary>
    /// <value>The default value is <see cref="BodyType.Unspecified"/>.</value>
    public BodyType Body { get; init; }

    /// <summary>
    /// Whether the message needs SMTPUTF8 (UTF-8 header fields). Non-ASCII addresses need it
    /// anyway and set it automatically.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequiresSmtpUtf8 { get; init; }

    /// <summary>The message size in bytes for <c>SIZE=</c>; <see cref="SmtpClientConnection.SendAsync"/> fills it from the content.</summary>
    /// <value>The default value is <see langword="null"/> (not announced).</value>
    public long? Size { get; init; }

    /// <summary>The DSN <c>RET=</c> parameter.</summary>
    /// <value>The default value is <see cref="DsnReturn.Unspecified"/>.</value>
    public DsnReturn DsnReturn { get; init; }

    /// <summary>The DSN envelope id (<c>ENVID=</c>), unencoded; it is sent as xtext.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? EnvelopeId { get; init; }

    /// <summary>
    /// Private MAIL parameters (<c>NAME=value</c>, value already encoded), sent only when the peer
    /// advertises the keyword <c>NAME</c> in its EHLO reply (a tier hand-off, for example).
    /// </summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();
}
