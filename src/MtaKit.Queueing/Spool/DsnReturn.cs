namespace MtaKit.Queueing;

/// <summary>The RFC 3461 RET parameter of MAIL: how much of the message a failure notification returns.</summary>
public enum DsnReturn
{
    /// <summary>No RET parameter was given.</summary>
    Unspecified = 0,

    /// <summary><c>RET=FULL</c>: return the whole message.</summary>
    Full = 1,

    /// <summary><c>RET=HDRS</c>: return the header section only.</summary>
    Headers = 2,
}
