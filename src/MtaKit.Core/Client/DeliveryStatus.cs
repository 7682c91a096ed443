namespace MtaKit;

/// <summary>The outcome class of a delivery attempt for one recipient.</summary>
public enum DeliveryStatus
{
    /// <summary>The peer took responsibility for the message (2xx).</summary>
    Accepted,

    /// <summary>Try again later (4xx from the peer, or a timeout, connection failure or protocol error).</summary>
    Transient,

    /// <summary>Do not try again (5xx from the peer, or a local check such as SIZE or SMTPUTF8).</summary>
    Permanent,
}
