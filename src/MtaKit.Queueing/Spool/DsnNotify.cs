namespace MtaKit.Queueing;

/// <summary>The RFC 3461 NOTIFY parameter of a recipient: which delivery status notifications the sender asked for.</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>No NOTIFY parameter was given: the default applies (failure, and delay at the MTA's discretion).</summary>
    Unspecified = 0,

    /// <summary><c>NOTIFY=NEVER</c>: no notification at all.</summary>
    Never = 1,

    /// <summary><c>SUCCESS</c>: notify on successful delivery.</summary>
    Success = 2,

    /// <summary><c>FAILURE</c>: notify when delivery failed.</summary>
    Failure = 4,

    /// <summary><c>DELAY</c>: notify when delivery is delayed.</summary>
    Delay = 8,
}
