namespace MtaKit.Queueing;

/// <summary>The BODY parameter of MAIL (RFC 6152, RFC 3030).</summary>
public enum MessageBodyType
{
    /// <summary>No BODY parameter was given.</summary>
    Unspecified = 0,

    /// <summary><c>BODY=7BIT</c>.</summary>
    SevenBit = 1,

    /// <summary><c>BODY=8BITMIME</c>.</summary>
    EightBitMime = 2,

    /// <summary><c>BODY=BINARYMIME</c> (needs CHUNKING to relay).</summary>
    BinaryMime = 3,
}
