using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MtaKit.Hosting.Configuration;

namespace MtaKit.Hosting;

/// <summary>Registers the hints store the policy stages and the queue share.</summary>
public static class HintsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded <see cref="InMemoryHintsStore"/> as <see cref="IHintsStore"/> (bounded by
    /// <c>MtaKit:Hints:MaxEntries</c>, default 1,000,000) unless a store is registered already (for example
    /// the Redis store, for a cluster). Called by <c>UseRateLimits</c>, <c>UseGreylisting</c> and <c>UseRecipientValidation</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="mtaKitSection">The <c>MtaKit</c> configuration section.</param>
    public static IServiceCollection AddMtaKitHints(this IServiceCollection services, IConfiguration mtaKitSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(mtaKitSection);
        services.TryAddSingleton<IHintsStore>(sp =>
        {
            var errors = new List<string>();
            var options = new InMemoryHintsStoreOptions
            {
                MaxEntries = MtaKitConfigurationReader.Get(mtaKitSection, "Hints:MaxEntries", 1_000_000, "MtaKit:", errors),
            };
            errors.AddRange(options.Validate());
            ConfigurationErrors.ThrowIfAny(errors);
            return new InMemoryHintsStore(options, sp.GetService<TimeProvider>());
        });
        return services;
    }
}
