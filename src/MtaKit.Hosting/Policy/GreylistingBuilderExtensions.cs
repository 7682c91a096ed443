using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Adds the greylisting stage from configuration.</summary>
public static class GreylistingBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="GreylistingStage"/> configured from <c>MtaKit:Greylisting</c> (<c>Enabled</c>, <c>Delay</c>,
    /// <c>UnconfirmedLifetime</c>, <c>PassLifetime</c>, <c>AutoAllowAfter</c>, <c>Ipv4Prefix</c>, <c>Ipv6Prefix</c>,
    /// <c>RelayNetworks</c>; see <see cref="GreylistingOptions"/>), keeping triplets in the registered
    /// <see cref="IHintsStore"/>. <c>MtaKit:Routing:RelayNetworks</c> bypass greylisting too. Read and validated at start.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseGreylisting(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMtaKitHints(builder.Configuration);
        return builder.UseStage(sp =>
        {
            var errors = new List<string>();
            var s = builder.Configuration.GetSection("Greylisting");
            const string p = "MtaKit:Greylisting:";
            var d = new GreylistingOptions();
            var options = new GreylistingOptions
            {
                Enabled = MtaKitConfigurationReader.Get(s, "Enabled", d.Enabled, p, errors),
                Delay = MtaKitConfigurationReader.Get(s, "Delay", d.Delay, p, errors),
                UnconfirmedLifetime = MtaKitConfigurationReader.Get(s, "UnconfirmedLifetime", d.UnconfirmedLifetime, p, errors),
                PassLifetime = MtaKitConfigurationReader.Get(s, "PassLifetime", d.PassLifetime, p, errors),
                AutoAllowAfter = MtaKitConfigurationReader.Get(s, "AutoAllowAfter", d.AutoAllowAfter, p, errors),
                Ipv4Prefix = MtaKitConfigurationReader.Get(s, "Ipv4Prefix", d.Ipv4Prefix, p, errors),
                Ipv6Prefix = MtaKitConfigurationReader.Get(s, "Ipv6Prefix", d.Ipv6Prefix, p, errors),
                RelayNetworks =
                [
                    .. ConfigurationErrors.ReadNetworks(builder.Configuration, "Greylisting:RelayNetworks", errors),
                    .. ConfigurationErrors.ReadNetworks(builder.Configuration, "Routing:RelayNetworks", errors),
                ],
            };
            errors.AddRange(options.Validate());
            var store = HintsConfiguration.ResolveStore(sp, builder.Configuration, "Greylisting", errors);
            ConfigurationErrors.ThrowIfAny(errors);
            return new GreylistingStage(options, store, sp.GetService<TimeProvider>(), sp.GetService<ILogger<GreylistingStage>>(), sp.GetService<IMeterFactory>());
        });
    }
}
