namespace MtaKit.Scanning;

/// <summary>One scanner daemon in configuration (<c>MtaKit:Scanning:Clamd:Endpoints:0</c>).</summary>
public sealed record ScannerEndpointOptions
{
    /// <summary>
    /// Where it listens: <c>host:port</c> or <c>unix:/path</c> for clamd and spamd (a <c>tcp://host:port</c>
    /// URL is also accepted); an <c>http://host:port</c> URL (or <c>unix:/path</c>) for rspamd.
    /// </summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>The share of scans among endpoints of the same priority.</summary>
    /// <value>The default value is 1.</value>
    public int Weight { get; init; } = 1;

    /// <summary>Endpoints of a higher priority get every scan while one of them is up.</summary>
    /// <value>The default value is 0.</value>
    public int Priority { get; init; }

    /// <summary>The most scans in flight on this endpoint at once.</summary>
    /// <value>The default value is 32.</value>
    public int MaxConcurrency { get; init; } = 32;
}
