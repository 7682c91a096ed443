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

    /// <summary>When the Mailstore for late.example.test starts, counted from the start of the run.</summary>
    public TimeSpan LateMailstoreStart { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the demo waits for every accepted message to reach its final place.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);
}
