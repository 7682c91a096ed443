using System.Net;
using Microsoft.Extensions.Configuration;
using MtaKit.Hosting.Configuration;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Hosting;

/// <summary>
/// Everything the pass-through relay reads from <c>MtaKit</c>: routes, relay networks, relay
/// options and which extensions every downstream offers; the problems are collected with their keys.
/// </summary>
internal sealed class PassThroughRelaySettings
{
    private const string RoutingPrefix = "MtaKit:Routing:";

    /// <summary>Extensions the relay only offers upstream when every downstream offers them.</summary>
    internal const SmtpExtensions DownstreamDependent = SmtpExtensions.Dsn | SmtpExtensions.BinaryMime | SmtpExtensions.SmtpUtf8;

    private PassThroughRelaySettings(RoutingOptions routing, IReadOnlyList<IPNetwork> relayNetworks, PassThroughRelayOptions relay, SmtpExtensions offered, IReadOnlyList<string> errors)
    {
        Routing = routing;
        RelayNetworks = relayNetworks;
        Relay = relay;
        Offered = offered;
        Errors = errors;
    }

    public RoutingOptions Routing { get; }

    public IReadOnlyList<IPNetwork> RelayNetworks { get; }

    public PassThroughRelayOptions Relay { get; }

    /// <summary>Of <see cref="DownstreamDependent"/>, what every next hop and fallback host offers.</summary>
    public SmtpExtensions Offered { get; }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>Throws the host's configuration error when anything is wrong.</summary>
    public void ThrowIfInvalid()
    {
        ConfigurationErrors.ThrowIfAny(Errors);
    }

    public static PassThroughRelaySettings Read(IConfiguration mtaKit, Func<PassThroughRelayOptions, PassThroughRelayOptions>? configure)
    {
        var errors = new List<string>();
        var routing = RoutingConfigurationReader.Read(mtaKit, errors);
        var section = mtaKit.GetSection("Routing");
        if (routing.Routes.Count == 0)
        {
            errors.Add("MtaKit:Routing:Routes is empty: configure at least one, e.g. MtaKit:Routing:Routes:0:Domains:0=example.test and MtaKit:Routing:Routes:0:NextHops:0:Address=127.0.0.1:2526.");
        }

        if (!routing.SplitOnRouteChange)
        {
            errors.Add("MtaKit:Routing:Cutthrough:SplitOnRouteChange=false is not supported by the pass-through relay: a transaction stays on one downstream.");
        }

        foreach (var route in routing.Routes)
        {
            if (route.NextHops.Any(h => h.Kind == NextHopKind.Mx))
            {
                errors.Add($"MtaKit:Routing:Routes ({route.Name}): next hop 'mx' belongs to the outbound relay, not the pass-through relay.");
            }
        }

        var networks = ConfigurationErrors.ReadNetworks(mtaKit, "Routing:RelayNetworks", errors);

        var defaults = new SmtpClientOptions();
        var commandTimeout = MtaKitConfigurationReader.Get(section, "Client:CommandTimeout", defaults.CommandTimeout, RoutingPrefix, errors);
        var dataTimeout = MtaKitConfigurationReader.Get(section, "Client:DataTimeout", defaults.DataTerminationTimeout, RoutingPrefix, errors);
        var client = defaults with
        {
            ConnectTimeout = MtaKitConfigurationReader.Get(section, "Client:ConnectTimeout", defaults.ConnectTimeout, RoutingPrefix, errors),
            GreetingTimeout = commandTimeout,
            CommandTimeout = commandTimeout,
            MailTimeout = commandTimeout,
            RcptTimeout = commandTimeout,
            DataInitiationTimeout = commandTimeout,
            DataBlockTimeout = dataTimeout,
            DataTerminationTimeout = dataTimeout,
        };
        var poolDefaults = new SmtpClientPoolOptions();
        var pool = poolDefaults with
        {
            MaxConnectionsPerEndpoint = MtaKitConfigurationReader.Get(section, "Pool:MaxConnectionsPerEndpoint", poolDefaults.MaxConnectionsPerEndpoint, RoutingPrefix, errors),
            MaxMessagesPerConnection = MtaKitConfigurationReader.Get(section, "Pool:MaxMessagesPerConnection", poolDefaults.MaxMessagesPerConnection, RoutingPrefix, errors),
            IdleTimeout = MtaKitConfigurationReader.Get(section, "Pool:IdleTimeout", poolDefaults.IdleTimeout, RoutingPrefix, errors),
        };
        var relayDefaults = new PassThroughRelayOptions { HostName = "localhost" };
        var relay = new PassThroughRelayOptions
        {
            HostName = mtaKit["ServerName"] is { Length: > 0 } name ? name : Dns.GetHostName(),
            Client = client,
            Pool = pool,
            DataBudget = MtaKitConfigurationReader.Get(section, "Cutthrough:DataBudget", relayDefaults.DataBudget, RoutingPrefix, errors),
            MaxReceivedHeaders = MtaKitConfigurationReader.Get(section, "Cutthrough:MaxReceivedHeaders", relayDefaults.MaxReceivedHeaders, RoutingPrefix, errors),
        };
        if (configure is not null)
        {
            relay = configure(relay);
        }

        Check(errors, relay);
        return new PassThroughRelaySettings(routing, networks, relay, ReadOffers(section, routing, errors), errors);
    }

    private static void Check(List<string> errors, PassThroughRelayOptions relay)
    {
        try
        {
            relay.Client.Validate();
            relay.Pool.Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add("MtaKit:Routing:Client/Pool: " + e.Message);
        }

        if (relay.DataBudget <= TimeSpan.Zero)
        {
            errors.Add("MtaKit:Routing:Cutthrough:DataBudget must be positive.");
        }

        if (relay.MaxReceivedHeaders < 1)
        {
            errors.Add("MtaKit:Routing:Cutthrough:MaxReceivedHeaders must be at least 1.");
        }
    }

    /// <summary>
    /// An extension survives only when every route states that its next hops and fallback hosts
    /// offer it (<c>Routes:&lt;i&gt;:Offers:&lt;Extension&gt;</c>) and, when there are global fallback
    /// hosts, <c>FallbackOffers:&lt;Extension&gt;</c> states it too.
    /// </summary>
    private static SmtpExtensions ReadOffers(IConfigurationSection routing, RoutingOptions options, List<string> errors)
    {
        var offered = DownstreamDependent;
        var routes = routing.GetSection("Routes").GetChildren().ToList();
        foreach (var r in routes)
        {
            offered &= ReadOffer(r.GetSection("Offers"), $"MtaKit:Routing:Routes:{r.Key}:Offers:", errors);
        }

        if (options.FallbackHosts.Count > 0)
        {
            offered &= ReadOffer(routing.GetSection("FallbackOffers"), "MtaKit:Routing:FallbackOffers:", errors);
        }

        return routes.Count == 0 ? SmtpExtensions.None : offered;
    }

    private static SmtpExtensions ReadOffer(IConfigurationSection offers, string prefix, List<string> errors)
    {
        var result = SmtpExtensions.None;
        if (MtaKitConfigurationReader.Get(offers, "Dsn", false, prefix, errors))
        {
            result |= SmtpExtensions.Dsn;
        }

        if (MtaKitConfigurationReader.Get(offers, "BinaryMime", false, prefix, errors))
        {
            result |= SmtpExtensions.BinaryMime;
        }

        if (MtaKitConfigurationReader.Get(offers, "SmtpUtf8", false, prefix, errors))
        {
            result |= SmtpExtensions.SmtpUtf8;
        }

        return result;
    }
}
