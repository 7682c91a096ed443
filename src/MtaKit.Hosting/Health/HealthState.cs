namespace MtaKit.Hosting.Health;

/// <summary>The host's own part of health: once stopping, the node reports unhealthy whatever the checks say.</summary>
internal sealed class HealthState
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True once the host began to stop.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Fires when the host begins to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Reports unhealthy from now on.</summary>
    public void ReportStopping() => _stopping.Cancel();
}
