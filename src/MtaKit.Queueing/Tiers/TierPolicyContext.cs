namespace MtaKit.Queueing;

/// <summary>What a tier policy decides from.</summary>
public sealed record TierPolicyContext
{
    /// <summary>The tier the message is in.</summary>
    public required QueueTier Tier { get; init; }

    /// <summary>The message, as it was before the failure being decided (its <see cref="SpoolEntry.LastAttempt"/> is the attempt before).</summary>
    public required SpoolEntry Entry { get; init; }

    /// <summary>The current time.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The failure that just happened, or <see langword="null"/> when the message came due (or was just accepted).</summary>
    public DeliveryFailure? Failure { get; init; }
}
