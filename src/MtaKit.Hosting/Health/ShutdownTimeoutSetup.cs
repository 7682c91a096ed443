using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaKit.Hosting.Configuration;
using MtaKit.Server;

namespace MtaKit.Hosting.Health;

/// <summary>
/// Raises the generic host's <see cref="HostOptions.ShutdownTimeout"/> (default 30 s) to at least
/// <c>MtaKit:Health:UnhealthyGracePeriod</c> (when the health endpoint is on) plus
/// <c>MtaKit:DrainTimeout</c> plus <see cref="Margin"/>, so the host does not cancel the stop
/// sequence while transactions are still draining. A longer timeout (or an infinite one) is kept.
/// </summary>
internal sealed class ShutdownTimeoutSetup(IConfiguration mtaKit) : IPostConfigureOptions<HostOptions>
{
    /// <summary>Time left for the work after the drain (closing connections, the queue, the spool).</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public void PostConfigure(string? name, HostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var needed = Required(mtaKit);
        if (options.ShutdownTimeout != Timeout.InfiniteTimeSpan && options.ShutdownTimeout < needed)
        {
            options.ShutdownTimeout = needed;
        }
    }

    /// <summary>The shortest shutdown timeout the configured stop sequence fits in. Bad values count as their defaults (start-up reports them).</summary>
    public static TimeSpan Required(IConfiguration mtaKit)
    {
        var ignored = new List<string>();
        var health = HealthEndpointOptions.Read(mtaKit, ignored);
        var grace = health.EndPoint is null || health.UnhealthyGracePeriod < TimeSpan.Zero ? TimeSpan.Zero : health.UnhealthyGracePeriod;
        var defaultDrain = new SmtpServerOptions().DrainTimeout;
        var drain = MtaKitConfigurationReader.Get(mtaKit, "DrainTimeout", defaultDrain, "MtaKit:", ignored);
        return grace + (drain > TimeSpan.Zero ? drain : defaultDrain) + Margin;
    }
}
