using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MtaKit.Hosting.Health;

/// <summary>Unhealthy when the file system holding <c>MtaKit:Queue:SpoolPath</c> has less than <c>MtaKit:Health:MinFreeDiskBytes</c> free.</summary>
internal sealed class SpoolDiskHealthCheck(IConfiguration mtaKit, HealthEndpointOptions options) : IHealthCheck
{
    public const string Name = "mtakit-spool-disk";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (mtaKit["Queue:SpoolPath"] is not { Length: > 0 } path || options.MinFreeDiskBytes == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no spool"));
        }

        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var free = FreeBytes(existing);
        var data = new Dictionary<string, object> { ["path"] = path, ["freeBytes"] = free, ["minFreeBytes"] = options.MinFreeDiskBytes };
        return Task.FromResult(free >= options.MinFreeDiskBytes
            ? HealthCheckResult.Healthy($"spool {path}: {free} bytes free", data)
            : HealthCheckResult.Unhealthy($"spool {path}: {free} bytes free, below MtaKit:Health:MinFreeDiskBytes={options.MinFreeDiskBytes}", data: data));
    }

    /// <summary>Free bytes for unprivileged users on the file system holding <paramref name="directory"/>.</summary>
    internal static long FreeBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;
}
