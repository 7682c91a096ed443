namespace MtaKit.Hosting.Health;

/// <summary>How the health endpoint answers a layer-4 switch (<c>MtaKit:Health:Mode</c>).</summary>
internal enum HealthProbeMode
{
    /// <summary><c>GET /health</c> answers 200 <c>healthy</c> or 503 <c>unhealthy</c>.</summary>
    Http,

    /// <summary>The port accepts connections while healthy and refuses them while not.</summary>
    Tcp,
}
