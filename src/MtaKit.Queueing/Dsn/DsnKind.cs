namespace MtaKit.Queueing;

/// <summary>Which delivery status notification to compose.</summary>
public enum DsnKind
{
    /// <summary>Delivery failed for good (<c>Action: failed</c>): the message is returned.</summary>
    Failure = 0,

    /// <summary>Delivery is delayed and still being retried (<c>Action: delayed</c>).</summary>
    Delay = 1,
}
