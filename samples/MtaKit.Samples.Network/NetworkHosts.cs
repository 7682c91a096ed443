using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting;
using MtaKit.Routing;

namespace MtaKit.Samples.Network;

/// <summary>Builds the demo network's hosts, each a generic host composed with the MtaKit hosting extensions like the other samples.</summary>
internal static class NetworkHosts
{
    /// <summary>The DNSBL zone: the client 192.0.2.66 is listed in bl.test with 127.0.0.2.</summary>
    public const string BlockedClient = "192.0.2.66";

    private const string Zone = """
        $ZONE test
        $ZONE in-addr.arpa
        66.2.0.192.bl.test    A    127.0.0.2
        66.2.0.192.bl.test    TXT  "demo client on the local block list"
        """;

    /// <summary>A port nothing listens on (bound once to pick it, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string WriteZone(string runDirectory)
    {
        var path = Path.Combine(runDirectory, "dnsbl.zone");
        File.WriteAllText(path, Zone);
        return path;
    }

    public static IHost Mailstore(string name, string endpoint, string root, string domain, IReadOnlyCollection<string> recipients)
    {
        var builder = Create(Common(name, endpoint));
        var patterns = new List<DomainPattern> { DomainPattern.Parse(domain) };
        var maildir = new MaildirOptions { Root = root, Domains = patterns, Recipients = recipients };
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(maildir))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = patterns }));
        return builder.Build();
    }

    public static IHost Tier(string name, string spool, TimeSpan window, string retry, IPEndPoint? nextTier, IReadOnlyList<(string Domain, string NextHop)> routes)
    {
        var settings = Common(name, "127.0.0.1:0");
        settings["MtaKit:Queue:SpoolPath"] = spool;
        settings["MtaKit:Queue:TrustedTierNetworks:0"] = "127.0.0.0/8";
        settings["MtaKit:Queue:Tier:Name"] = name;
        settings["MtaKit:Queue:Tier:Window"] = window.ToString("c", CultureInfo.InvariantCulture);
        settings["MtaKit:Queue:Tier:Retry"] = retry;
        if (nextTier is not null)
        {
            settings["MtaKit:Queue:Tier:NextTier:0"] = nextTier.ToString();
        }

        settings["MtaKit:Routing:RelayNetworks:0"] = "127.0.0.0/8";
        AddRoutes(settings, routes, fallback: null);
        var builder = Create(settings);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseFallbackTier();
        return builder.Build();
    }

    public static IHost Relay(string name, string zoneFile, IReadOnlyList<(string Domain, string NextHop)> routes, IPEndPoint fallbackTier)
    {
        var settings = Common(name, "127.0.0.1:0");
        settings["MtaKit:Listeners:proxied:Endpoint"] = "127.0.0.1:0";
        settings["MtaKit:Listeners:proxied:ProxyProtocol"] = "true";
        settings["MtaKit:Listeners:proxied:TrustedProxies:0"] = "127.0.0.0/8";
        settings["MtaKit:Scanning:Embedded:Enabled"] = "true";
        settings["MtaKit:Dns:StaticZoneFiles:0"] = zoneFile;
        settings["MtaKit:Dns:Servers:0"] = "127.0.0.1:" + ClosedPort().ToString(CultureInfo.InvariantCulture);
        settings["MtaKit:Dnsbl:Lists:0:Zone"] = "bl.test";
        settings["MtaKit:Dnsbl:Lists:0:Weight"] = "2";
        settings["MtaKit:Dnsbl:Lists:0:Codes:0"] = "127.0.0.2";
        settings["MtaKit:Dnsbl:Threshold"] = "2";
        AddRoutes(settings, routes, fallbackTier.ToString());
        var builder = Create(settings);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseDnsbl()
            .UseScanning()
            .UsePassThroughRelay();
        return builder.Build();
    }

    public static IPEndPoint EndPoint(this IHost host, string listener = "smtp")
        => host.Services.GetRequiredService<SmtpServerHost>().Server.GetEndPoint(listener);

    private static void AddRoutes(Dictionary<string, string?> settings, IReadOnlyList<(string Domain, string NextHop)> routes, string? fallback)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            var p = $"MtaKit:Routing:Routes:{i}:";
            settings[p + "Domains:0"] = routes[i].Domain;
            settings[p + "NextHops:0:Address"] = routes[i].NextHop;
            if (fallback is not null && !routes[i].Domain.Equals("example.test", StringComparison.OrdinalIgnoreCase))
            {
                settings[p + "FallbackHosts:0"] = fallback;
            }
        }

        settings["MtaKit:Routing:Client:ConnectTimeout"] = "00:00:05";
    }

    private static Dictionary<string, string?> Common(string name, string endpoint) => new()
    {
        ["MtaKit:ServerName"] = name + ".example.test",
        ["MtaKit:AnnounceListeners"] = "false",
        ["MtaKit:Listeners:smtp:Endpoint"] = endpoint,
    };

    private static HostApplicationBuilder Create(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
