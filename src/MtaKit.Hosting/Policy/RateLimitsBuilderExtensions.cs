using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Adds the rate-limit stage from configuration.</summary>
public static class RateLimitsBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="RateLimitStage"/> with the rules of <c>MtaKit:RateLimits</c> (a list; each item has
    /// <c>Key</c> = Ip|Network|Sender|User, <c>Phase</c> = Connect|Mail|Rcpt, <c>Limit</c>, <c>Window</c> (hh:mm:ss),
    /// and optionally <c>Ipv4Prefix</c>/<c>Ipv6Prefix</c>), counting in the registered <see cref="IHintsStore"/>.
    /// The rules are read and validated when the host starts.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseRateLimits(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMtaKitHints(builder.Configuration);
        return builder.UseStage(sp =>
        {
            var errors = new List<string>();
            var options = Read(builder.Configuration.GetSection("RateLimits"), errors);
            if (errors.Count == 0)
            {
                errors.AddRange(options.Validate());
            }

            var store = HintsConfiguration.ResolveStore(sp, builder.Configuration, "Rate limits", errors);
            ConfigurationErrors.ThrowIfAny(errors);
            return new RateLimitStage(options, store, sp.GetService<ILogger<RateLimitStage>>(), sp.GetService<IMeterFactory>());
        });
    }

    private static RateLimitOptions Read(Microsoft.Extensions.Configuration.IConfigurationSection section, List<string> errors)
    {
        var rules = new List<RateLimitRule>();
        foreach (var item in section.GetChildren())
        {
            var p = $"MtaKit:RateLimits:{item.Key}:";
            var defaults = new RateLimitRule();
            rules.Add(new RateLimitRule
            {
                Key = MtaKitConfigurationReader.Get(item, "Key", defaults.Key, p, errors),
                Phase = MtaKitConfigurationReader.Get(item, "Phase", defaults.Phase, p, errors),
                Limit = MtaKitConfigurationReader.Get(item, "Limit", defaults.Limit, p, errors),
                Window = MtaKitConfigurationReader.Get(item, "Window", defaults.Window, p, errors),
                Ipv4Prefix = MtaKitConfigurationReader.Get<int?>(item, "Ipv4Prefix", null, p, errors),
                Ipv6Prefix = MtaKitConfigurationReader.Get<int?>(item, "Ipv6Prefix", null, p, errors),
            });
        }

        return new RateLimitOptions { Rules = rules };
    }
}
