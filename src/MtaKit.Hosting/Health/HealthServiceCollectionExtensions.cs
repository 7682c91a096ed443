using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MtaKit.Hosting.Health;

/// <summary>Registers the MtaKit health checks and the optional health endpoint (<c>MtaKit:Health</c>).</summary>
internal static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the checks (scanner pools, next hops, spool disk space) to the host's
    /// <c>HealthCheckService</c>, so checks the application adds with <c>AddHealthChecks()</c> count
    /// too, and the endpoint (after the SMTP host, so it opens last and its stop hook runs first);
    /// and raises the host's shutdown timeout to fit the stop sequence (<see cref="ShutdownTimeoutSetup"/>).
    /// </summary>
    public static void AddMtaKitHealth(this IServiceCollection services, IConfiguration mtaKit)
    {
        services.TryAddSingleton<HealthState>();
        services.TryAddSingleton(_ => HealthEndpointOptions.Read(mtaKit, []));
        services.TryAddSingleton(sp => new NextHopsHealthCheck(
            mtaKit, sp.GetRequiredService<HealthEndpointOptions>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHealthChecks()
            .AddCheck<ScannerPoolsHealthCheck>(ScannerPoolsHealthCheck.Name, tags: ["mtakit"])
            .Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                NextHopsHealthCheck.Name, sp => sp.GetRequiredService<NextHopsHealthCheck>(), null, ["mtakit"]))
            .Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                SpoolDiskHealthCheck.Name, sp => new SpoolDiskHealthCheck(mtaKit, sp.GetRequiredService<HealthEndpointOptions>()), null, ["mtakit"]));
        services.AddSingleton(sp => new HealthEndpointService(
            mtaKit,
            sp.GetRequiredService<HealthState>(),
            sp.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<HealthEndpointService>());
        services.AddSingleton<IPostConfigureOptions<HostOptions>>(new ShutdownTimeoutSetup(mtaKit));
    }
}
