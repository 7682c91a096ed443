namespace MtaKit.Queueing;

/// <summary>The names of the built-in tier policies.</summary>
public static class TierPolicyNames
{
    /// <summary>The default policy: tier window from original arrival, Exim retry rules, hand-off or expiry at the earlier end.</summary>
    public const string Default = "Default";
}
