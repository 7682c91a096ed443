namespace MtaKit;

/// <summary>The RCPT parameter <c>NOTIFY=</c> of RFC 3461: when the sender wants a delivery status notification.</summary>
[Flags]
public enum DsnNotifyConditions
{
    /// <summary>No <c>NOTIFY=</c> parameter.</summary>
    Unspecified = 0,

    /// <summary><c>NOTIFY=NEVER</c>; must not be combined with another value.</summary>
    Never = 1,

    /// <summary><c>SUCCESS</c>.</summary>
    Success = 2,

    /// <summary><c>FAILURE</c>.</summary>
    Failure = 4,

    /// <summary><c>DELAY</c>.</summary>
    Delay = 8,
}
