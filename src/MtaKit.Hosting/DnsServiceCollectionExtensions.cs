using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Registers the one caching DNS resolver every MtaKit component shares.</summary>
public static class DnsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDnsResolver"/> (a caching <see cref="DnsResolver"/> over <c>MtaKit:Dns:Servers</c>,
    /// with <c>MtaKit:Dns:StaticZoneFiles</c> in front) unless one is registered already. Called by <c>AddMtaKit</c>.
    /// </summary>
    public static IServiceCollection AddMtaKitDns(this IServiceCollection services, IConfiguration mtaKitSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(mtaKitSection);
        services.TryAddSingleton(_ =>
        {
            var options = new DnsOptions();
            mtaKitSection.GetSection("Dns").Bind(options);
            return options;
        });
        services.TryAddSingleton<IDnsResolver>(sp =>
        {
            var options = sp.GetRequiredService<DnsOptions>();
            var errors = options.Validate();
            ConfigurationErrors.ThrowIfAny(errors);

            var network = new DnsResolver(options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<DnsResolver>>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            return CompositeDnsResolver.Create(options, network);
        });
        return services;
    }
}
