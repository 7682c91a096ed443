namespace MtaKit.Samples.Network;

/// <summary>Settings of one demo run; the defaults are the short demo windows the README describes.</summary>
public sealed class NetworkDemoOptions
{
    /// <summary>Where the Maildirs, spools and the DNSBL zone file go; a new temporary directory when null.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Keep the network up after the report until the token is cancelled (for swaks).</summary>
    public bool Serve { get; init; }

    /// <summary>Tier 1's window, counted from a message's original arrival.</summary>
    public TimeSpan Tier1Window { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Tier 2's (the last tier's) window, counted from a message's original arrival.</summary>
    public TimeSpan Tier2Window { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Retry rules of both tiers.</summary>
    public string Retry { get; init; } = "F,1m,3s";

    /// <summary>When the Mailstore for late.example.test starts, counted from the start of the demo traffic (like the tier windows, which count from each message's arrival).</summary>
    public TimeSpan LateMailstoreStart { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the demo waits for every accepted message to reach its final place.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Lists what is wrong with these options (empty when they are usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Tier1Window <= TimeSpan.Zero)
        {
            errors.Add("Tier1Window must be positive.");
        }

        if (Tier2Window <= Tier1Window)
        {
            errors.Add("Tier2Window must be longer than Tier1Window (both count from the original arrival).");
        }

        if (string.IsNullOrWhiteSpace(Retry))
        {
            errors.Add("Retry must name the tiers' retry rules, e.g. F,1m,3s.");
        }

        if (LateMailstoreStart < TimeSpan.Zero || LateMailstoreStart >= Tier2Window)
        {
            errors.Add("LateMailstoreStart must be between zero and Tier2Window, or the late message expires instead of being delivered.");
        }

        if (Timeout <= Tier2Window)
        {
            errors.Add("Timeout must be longer than Tier2Window, or the demo stops before the DSN is delivered.");
        }

        return errors;
    }
}
