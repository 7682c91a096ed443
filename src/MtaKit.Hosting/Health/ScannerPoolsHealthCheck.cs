using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MtaKit.Scanning;

namespace MtaKit.Hosting.Health;

/// <summary>Unhealthy when a scanner pool has no endpoint left to take a scan (every one resting after failures).</summary>
internal sealed class ScannerPoolsHealthCheck(IServiceProvider services) : IHealthCheck
{
    public const string Name = "mtakit-scanner-pools";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ScanningOptions>() is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no scanning"));
        }

        var set = services.GetRequiredService<ScannerSet>();
        var down = set.Pools.Where(p => !p.Health.Any(h => h.IsAvailable)).Select(p => p.Name).ToList();
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{set.Pools.Count()} scanner pool(s) with an available endpoint")
            : HealthCheckResult.Unhealthy("scanner pool(s) without an available endpoint: " + string.Join(", ", down)));
    }
}
