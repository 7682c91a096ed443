using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;
using MtaKit.Routing;

namespace MtaKit.Hosting;

/// <summary>Adds the recipient validation stage from configuration.</summary>
public static class RecipientsBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="RecipientValidationStage"/> configured from <c>MtaKit:Recipients</c> (<c>Addresses</c>, <c>Files</c>,
    /// <c>Callout</c>, <c>CalloutTimeout</c>, <c>DeferOnCalloutFailure</c>, <c>PositiveCacheTime</c>, <c>NegativeCacheTime</c>,
    /// <c>CalloutHeloName</c>; see <see cref="RecipientValidationOptions"/>). Callouts ask the next hops of the registered
    /// <see cref="IRouteResolver"/>, or of the routes in <c>MtaKit:Routing</c> when none is registered; answers are cached
    /// in the registered <see cref="IHintsStore"/>. Read and validated at start.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    public static MtaKitBuilder UseRecipientValidation(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMtaKitHints(builder.Configuration);
        return builder.UseStage(sp =>
        {
            var errors = new List<string>();
            var s = builder.Configuration.GetSection("Recipients");
            const string p = "MtaKit:Recipients:";
            var d = new RecipientValidationOptions();
            var options = new RecipientValidationOptions
            {
                Addresses = HintsConfiguration.ReadStrings(builder.Configuration, "Recipients:Addresses"),
                Files = HintsConfiguration.ReadStrings(builder.Configuration, "Recipients:Files"),
                Callout = MtaKitConfigurationReader.Get(s, "Callout", d.Callout, p, errors),
                CalloutTimeout = MtaKitConfigurationReader.Get(s, "CalloutTimeout", d.CalloutTimeout, p, errors),
                DeferOnCalloutFailure = MtaKitConfigurationReader.Get(s, "DeferOnCalloutFailure", d.DeferOnCalloutFailure, p, errors),
                PositiveCacheTime = MtaKitConfigurationReader.Get(s, "PositiveCacheTime", d.PositiveCacheTime, p, errors),
                NegativeCacheTime = MtaKitConfigurationReader.Get(s, "NegativeCacheTime", d.NegativeCacheTime, p, errors),
                CalloutHeloName = s["CalloutHeloName"] is { Length: > 0 } helo ? helo : null,
            };
            errors.AddRange(options.Validate());
            IRouteResolver? routes = null;
            if (options.Callout)
            {
                routes = sp.GetService<IRouteResolver>() ?? new RouteTable(RoutingConfigurationReader.Read(builder.Configuration, errors));
            }

            var store = HintsConfiguration.ResolveStore(sp, builder.Configuration, "Recipient validation", errors);
            ConfigurationErrors.ThrowIfAny(errors);
            return new RecipientValidationStage(options, store, routes, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RecipientValidationStage>>(), sp.GetService<IMeterFactory>());
        });
    }
}
