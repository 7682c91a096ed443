namespace MtaKit;

/// <summary>The BODY parameter of MAIL (RFC 6152, RFC 3030).</summary>
public enum BodyType
{
    /// <summary>Not given; 7-bit is implied.</summary>
    Unspecified,

    /// <summary><c>BODY=7BIT</c>.</summary>
    SevenBit,

    /// <summary><c>BODY=8BITMIME</c> (RFC 6152).</summary>
    EightBitMime,

    /// <summary><c>BODY=BINARYMIME</c> (RFC 3030): only with BDAT.</summary>
    BinaryMime,
}

/// <summary>The RET parameter of MAIL (RFC 3461).</summary>
public enum DsnReturn
{
    /// <summary>Not given.</summary>
    Unspecified,

    /// <summary><c>RET=FULL</c>: return the whole message in a DSN.</summary>
    Full,

    /// <summary><c>RET=HDRS</c>: return the headers only.</summary>
    Headers,
}

/// <summary>The NOTIFY parameter of RCPT (RFC 3461).</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the RFC's own word here.
public enum DsnNotify
#pragma warning restore CA1711
{
    /// <summary>Not given: the server decides (failure and delay notices).</summary>
    Unspecified = 0,

    /// <summary><c>NOTIFY=NEVER</c>.</summary>
    Never = 1,

    /// <summary>Notify on success.</summary>
    Success = 2,

    /// <summary>Notify on failure.</summary>
    Failure = 4,

    /// <summary>Notify on delay.</summary>
    Delay = 8,
}

/// <summary>The parameters of a MAIL command. Immutable.</summary>
public sealed record MailParameters
{
    // Declared before None: static initialisers run in text order.
    internal static readonly IReadOnlyDictionary<string, string?> EmptyExtensions = new Dictionary<string, string?>();

    /// <summary>No parameters.</summary>
    public static MailParameters None { get; } = new();

    /// <summary>The SIZE the client announced (RFC 1870), or <see langword="null"/>.</summary>
    public long? Size { get; init; }

    /// <summary>The BODY type.</summary>
    public BodyType Body { get; init; }

    /// <summary>True when SMTPUTF8 was given (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>RET (RFC 3461).</summary>
    public DsnReturn Return { get; init; }

    /// <summary>ENVID (RFC 3461), xtext-decoded, or <see langword="null"/>.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>AUTH= (RFC 4954), xtext-decoded (<c>&lt;&gt;</c> when the client sent it), or <see langword="null"/>.</summary>
    public string? Auth { get; init; }

    /// <summary>Other parameters the listener accepts (name upper-cased; value as sent, or <see langword="null"/>).</summary>
    public IReadOnlyDictionary<string, string?> Extensions { get; init; } = EmptyExtensions;
}

/// <summary>The parameters of a RCPT command. Immutable.</summary>
public sealed record RcptParameters
{
    /// <summary>No parameters.</summary>
    public static RcptParameters None { get; } = new();

    /// <summary>NOTIFY (RFC 3461).</summary>
    public DsnNotify Notify { get; init; }

    /// <summary>The ORCPT address type (usually <c>rfc822</c>), or <see langword="null"/>.</summary>
    public string? OriginalRecipientType { get; init; }

    /// <summary>The ORCPT address, xtext-decoded, or <see langword="null"/>.</summary>
    public string? OriginalRecipient { get; init; }
}
