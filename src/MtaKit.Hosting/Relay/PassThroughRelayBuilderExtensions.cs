using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Hosting;

/// <summary>Makes an MtaKit host an inbound pass-through (cutthrough) relay.</summary>
public static class PassThroughRelayBuilderExtensions
{
    /// <summary>
    /// Uses the <see cref="PassThroughRelayHandler"/> as the message handler, with routes from
    /// <c>MtaKit:Routing</c> (a <see cref="RouteTable"/> registered as <see cref="IRouteResolver"/>),
    /// relay control that takes the routed domains from anyone and any domain from
    /// <c>MtaKit:Routing:RelayNetworks</c>, and listeners that offer DSN, BINARYMIME and SMTPUTF8 only
    /// when the configuration states that every downstream offers them
    /// (<c>MtaKit:Routing:Routes:&lt;i&gt;:Offers:Dsn|BinaryMime|SmtpUtf8</c> and, for the global
    /// fallback hosts, <c>MtaKit:Routing:FallbackOffers:...</c>). Configuration problems stop the
    /// host at start with <c>Invalid MtaKit configuration</c>. Routes, relay networks and relay options
    /// follow configuration reloads: each transaction keeps the version it began with at MAIL, an
    /// invalid reload is logged and ignored (docs/operations.md). See docs/relay.md.
    /// </summary>
    /// <param name="builder">The MtaKit builder.</param>
    /// <param name="configure">Optional code-level edit of the relay options read from configuration (timeouts, budget).</param>
    /// <returns>The builder.</returns>
    public static MtaKitBuilder UsePassThroughRelay(this MtaKitBuilder builder, Func<PassThroughRelayOptions, PassThroughRelayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(sp => new ReloadingPassThroughRelay(configuration, configure, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        builder.Services.TryAddSingleton<IRouteResolver>(sp => sp.GetRequiredService<ReloadingPassThroughRelay>());
        builder.UseMessageHandler(sp => sp.GetRequiredService<ReloadingPassThroughRelay>());
        builder.UseRelayControl(sp => sp.GetRequiredService<ReloadingPassThroughRelay>());
        builder.ConfigureServer(options =>
        {
            var drop = PassThroughRelaySettings.DownstreamDependent & ~PassThroughRelaySettings.Read(configuration, configure).Offered;
            return options with { Listeners = [.. options.Listeners.Select(l => l with { Extensions = l.Extensions & ~drop })] };
        });
        return builder;
    }
}
