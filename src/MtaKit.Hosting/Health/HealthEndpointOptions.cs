using System.Net;
using Microsoft.Extensions.Configuration;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting.Health;

/// <summary>The <c>MtaKit:Health</c> keys, read and checked once at start.</summary>
internal sealed record HealthEndpointOptions
{
    private const string Prefix = "MtaKit:Health:";

    /// <summary>Where the endpoint listens; <see langword="null"/> = no endpoint.</summary>
    public IPEndPoint? EndPoint { get; init; }

    /// <summary>HTTP or TCP probes. <value>The default value is <see cref="HealthProbeMode.Http"/>.</value></summary>
    public HealthProbeMode Mode { get; init; } = HealthProbeMode.Http;

    /// <summary>Free bytes the spool's file system must keep. <value>The default value is 100 MiB.</value></summary>
    public long MinFreeDiskBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>How long a stopping host reports unhealthy before it stops accepting. <value>The default value is 5 seconds.</value></summary>
    public TimeSpan UnhealthyGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>TCP connect timeout when probing next hops. <value>The default value is 2 seconds.</value></summary>
    public TimeSpan NextHopProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the TCP mode re-evaluates the checks. <value>The default value is 5 seconds.</value></summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads <c>MtaKit:Health</c> from the <c>MtaKit</c> section; problems go to <paramref name="errors"/> with their keys.</summary>
    public static HealthEndpointOptions Read(IConfiguration mtaKit, List<string> errors)
    {
        var s = mtaKit.GetSection("Health");
        var d = new HealthEndpointOptions();
        IPEndPoint? endPoint = null;
        if (s["Endpoint"] is { Length: > 0 } text && !EndPointParser.TryParse(text, out endPoint))
        {
            errors.Add($"{Prefix}Endpoint '{text}' is not host:port: set it to e.g. 127.0.0.1:8025, or remove it for no health endpoint.");
        }

        var options = new HealthEndpointOptions
        {
            EndPoint = endPoint,
            Mode = MtaKitConfigurationReader.Get(s, "Mode", d.Mode, Prefix, errors),
            MinFreeDiskBytes = MtaKitConfigurationReader.Get(s, "MinFreeDiskBytes", d.MinFreeDiskBytes, Prefix, errors),
            UnhealthyGracePeriod = MtaKitConfigurationReader.Get(s, "UnhealthyGracePeriod", d.UnhealthyGracePeriod, Prefix, errors),
            NextHopProbeTimeout = MtaKitConfigurationReader.Get(s, "NextHopProbeTimeout", d.NextHopProbeTimeout, Prefix, errors),
            Interval = MtaKitConfigurationReader.Get(s, "Interval", d.Interval, Prefix, errors),
        };
        if (options.MinFreeDiskBytes < 0)
        {
            errors.Add($"{Prefix}MinFreeDiskBytes must not be negative (0 turns the disk check off).");
        }

        if (options.UnhealthyGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}UnhealthyGracePeriod must not be negative (e.g. 00:00:05).");
        }

        if (options.NextHopProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}NextHopProbeTimeout must be positive (e.g. 00:00:02).");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}Interval must be positive (e.g. 00:00:05).");
        }

        return options;
    }
}
