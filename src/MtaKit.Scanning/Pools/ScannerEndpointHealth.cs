namespace MtaKit.Scanning;

/// <summary>A snapshot of one pool endpoint's health, for health checks and dashboards.</summary>
/// <param name="Name">The endpoint name.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="ConsecutiveFailures">Failures in a row (0 = healthy).</param>
/// <param name="RestingUntil">When it may be tried again, or null when it is not resting.</param>
/// <param name="InFlight">Scans running on it now.</param>
public readonly record struct ScannerEndpointHealth(string Name, int Priority, int Weight, int ConsecutiveFailures, DateTimeOffset? RestingUntil, int InFlight)
{
    /// <summary>True when the endpoint takes scans now (not resting).</summary>
    public bool IsAvailable => RestingUntil is null;
}
