namespace MtaKit;

/// <summary>The body type of a message, announced with the MAIL parameter <c>BODY=</c>.</summary>
public enum SmtpBodyType
{
    /// <summary>Not announced (no <c>BODY=</c> parameter).</summary>
    Unspecified,

    /// <summary><c>BODY=7BIT</c>.</summary>
    SevenBit,

    /// <summary><c>BODY=8BITMIME</c> (RFC 6152); dropped when the peer does not offer 8BITMIME.</summary>
    EightBitMime,

    /// <summary><c>BODY=BINARYMIME</c> (RFC 3030); needs a peer offering BINARYMIME and CHUNKING.</summary>
    BinaryMime,
}
