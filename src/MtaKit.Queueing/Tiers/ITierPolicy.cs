namespace MtaKit.Queueing;

/// <summary>
/// Decides what a tier does with a message when it comes due and after each temporary failure: attempt,
/// retry later, hand off to the next tier, or expire. Selected by <see cref="Name"/> from configuration
/// (<c>MtaKit:Queue:Tier:Policy</c>), like YARP's load-balancing policies; register your own to change
/// the rules.
/// </summary>
/// <remarks>
/// The built-in policy (<see cref="TierPolicyNames.Default"/>) ends a message's stay in a tier at the
/// earlier of: the tier window (<see cref="QueueTier.Window"/>, counted from the message's original
/// arrival in the network), and the retry rules giving up (their cutoffs count from the host's first
/// failure, as in Exim). A retry that would fall after the window end is moved to the window end,
/// when the message is handed off (or, at the last tier, expired) without waiting longer. A frozen
/// message (<see cref="SpoolEntry.Frozen"/>) is neither attempted nor handed off until thawed.
/// </remarks>
public interface ITierPolicy
{
    /// <summary>The name configuration selects the policy by.</summary>
    string Name { get; }

    /// <summary>Decides for one message.</summary>
    /// <param name="context">The tier, the message, the time and the failure if any.</param>
    TierDecision Decide(TierPolicyContext context);
}
