namespace MtaKit;

/// <summary>The MAIL parameter <c>RET=</c> of RFC 3461: what a delivery status notification returns.</summary>
public enum DsnReturnContent
{
    /// <summary>No <c>RET=</c> parameter.</summary>
    Unspecified,

    /// <summary><c>RET=FULL</c>: the whole message.</summary>
    Full,

    /// <summary><c>RET=HDRS</c>: the header section only.</summary>
    Headers,
}
