using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;
using MtaKit.Redis;
using StackExchange.Redis;

namespace MtaKit.Hosting;

/// <summary>Registers the Redis hints store, shared by the relays and fallback nodes of a cluster.</summary>
public static class RedisHintsServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IConnectionMultiplexer"/> (unless one is registered already) connected with
    /// <c>MtaKit:Hints:Redis:Configuration</c> (a StackExchange.Redis configuration string, default
    /// <c>127.0.0.1:6379</c>; <c>AbortOnConnectFail</c> is forced off so a relay starts while Redis is down, and with
    /// <c>OnFailure</c> = <c>FailOpen</c> commands fail fast instead of waiting in the backlog) and a
    /// <see cref="RedisHintsStore"/> as <see cref="IHintsStore"/>, replacing the embedded store whether it was
    /// registered before or after. Other keys: <c>MtaKit:Hints:Redis:KeyPrefix</c> (default <c>mtakit:</c>),
    /// <c>MtaKit:Hints:Redis:OnFailure</c> (<c>FailOpen</c> (default) or <c>Throw</c>) and
    /// <c>MtaKit:Hints:Redis:FailureLogInterval</c> (default 00:01:00). Read and validated when first resolved (at start).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="mtaKitSection">The <c>MtaKit</c> configuration section.</param>
    public static IServiceCollection AddMtaKitRedisHints(this IServiceCollection services, IConfiguration mtaKitSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(mtaKitSection);
        services.TryAddSingleton(_ => ReadOptions(mtaKitSection));
        services.TryAddSingleton<IConnectionMultiplexer>(sp => Connect(sp.GetRequiredService<RedisHintsStoreOptions>()));
        services.RemoveAll<IHintsStore>();
        services.AddSingleton<IHintsStore>(sp => new RedisHintsStore(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisHintsStoreOptions>(),
            sp.GetService<ILogger<RedisHintsStore>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }

    /// <summary>Keeps the hints of this host (rate limits, greylisting, callout cache, retry hints) in Redis: see <see cref="AddMtaKitRedisHints"/>.</summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseRedisHints(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMtaKitRedisHints(builder.Configuration);
        return builder;
    }

    private static RedisHintsStoreOptions ReadOptions(IConfiguration mtaKitSection)
    {
        const string Prefix = "MtaKit:";
        var errors = new List<string>();
        var defaults = new RedisHintsStoreOptions();
        var options = new RedisHintsStoreOptions
        {
            Configuration = MtaKitConfigurationReader.Get(mtaKitSection, "Hints:Redis:Configuration", defaults.Configuration, Prefix, errors),
            KeyPrefix = MtaKitConfigurationReader.Get(mtaKitSection, "Hints:Redis:KeyPrefix", defaults.KeyPrefix, Prefix, errors),
            OnFailure = MtaKitConfigurationReader.Get(mtaKitSection, "Hints:Redis:OnFailure", defaults.OnFailure, Prefix, errors),
            FailureLogInterval = MtaKitConfigurationReader.Get(mtaKitSection, "Hints:Redis:FailureLogInterval", defaults.FailureLogInterval, Prefix, errors),
        };
        errors.AddRange(options.Validate("MtaKit:Hints:Redis:"));
        if (errors.Count == 0)
        {
            try
            {
                ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"MtaKit:Hints:Redis:Configuration '{options.Configuration}' is not a StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        ConfigurationErrors.ThrowIfAny(errors);
        return options;
    }

    private static ConnectionMultiplexer Connect(RedisHintsStoreOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        if (options.OnFailure == RedisFailurePolicy.FailOpen)
        {
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
        }

        return ConnectionMultiplexer.Connect(configuration);
    }
}
