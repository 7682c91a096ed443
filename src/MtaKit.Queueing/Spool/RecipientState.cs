namespace MtaKit.Queueing;

/// <summary>Where delivery to one recipient of a queued message stands.</summary>
public enum RecipientState
{
    /// <summary>Not delivered yet; the queue keeps trying.</summary>
    Pending = 0,

    /// <summary>Accepted by the next hop (or the next tier); nothing more to do.</summary>
    Delivered = 1,

    /// <summary>Permanently failed (5xx, or retries exhausted); a DSN is due if the sender asked for one.</summary>
    Failed = 2,
}
