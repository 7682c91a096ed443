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

    /// <summary>The network's own mail domain: its MX is relay1 (the inbound relay), its mail is signed with <see cref="DkimSelector"/>.</summary>
    public const string Domain = "example.test";

    /// <summary>The outbound relay's DKIM selector for <see cref="Domain"/>.</summary>
    public const string DkimSelector = "net1";

    /// <summary>A domain outside the network that publishes a null MX (RFC 7505): it accepts no mail.</summary>
    public const string NullMxDomain = "outside.test";

    /// <summary>A port nothing listens on (bound once to pick it, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Writes the network's static zone: the DNSBL entry (192.0.2.66 listed in bl.test), the MX of
    /// <see cref="Domain"/> (mx1 = 127.0.0.1, where relay1 listens on the MX port), the DKIM key record
    /// and the null MX of <see cref="NullMxDomain"/>.
    /// </summary>
    public static string WriteZone(string runDirectory, string dkimPublicKey)
    {
        // TXT strings are at most 255 octets each; the resolver joins them.
        var key = string.Join(' ', ("v=DKIM1; k=rsa; p=" + dkimPublicKey).Chunk(200).Select(c => "\"" + new string(c) + "\""));
        var zone = $"""
            $ZONE test
            $ZONE in-addr.arpa
            66.2.0.192.bl.test    A    127.0.0.2
            66.2.0.192.bl.test    TXT  "demo client on the local block list"
            {Domain}          MX   10 mx1.{Domain}
            mx1.{Domain}      A    127.0.0.1
            {DkimSelector}._domainkey.{Domain}  TXT  {key}
            {NullMxDomain}          MX   0 .
            """;
        var path = Path.Combine(runDirectory, "network.zone");
        File.WriteAllText(path, zone);
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

    public static IHost Relay(string name, string endpoint, string zoneFile, IReadOnlyList<(string Domain, string NextHop)> routes, IPEndPoint fallbackTier)
    {
        var settings = Common(name, endpoint);
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

    /// <summary>
    /// The outbound relay, composed like the OutboundRelay sample: submission on STARTTLS + AUTH (users file),
    /// sender binding, embedded scanning, DKIM signing last, then its own durable tier delivering every
    /// domain by MX (route <c>*</c> -> <c>mx</c>) through the static zone, with MX hosts on <paramref name="mxPort"/>.
    /// </summary>
    public static IHost Outbound(string name, OutboundFiles files, string zoneFile, int mxPort, string spool, TimeSpan window, string retry)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = name + "." + Domain,
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:submission:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:submission:RequireAuth"] = "true",
            ["MtaKit:Listeners:submission:Tls:CertificatePath"] = files.CertificatePath,
            ["MtaKit:Listeners:submission:Tls:KeyPath"] = files.KeyPath,
            ["MtaKit:Auth:UsersFile"] = files.UsersFile,
            [$"MtaKit:Auth:Senders:{files.User}:0"] = "@" + Domain,
            ["MtaKit:Scanning:Embedded:Enabled"] = "true",
            ["MtaKit:Dkim:Keys:0:Domain"] = Domain,
            ["MtaKit:Dkim:Keys:0:Selector"] = DkimSelector,
            ["MtaKit:Dkim:Keys:0:PrivateKeyPath"] = files.DkimKeyPath,
            ["MtaKit:Dns:StaticZoneFiles:0"] = zoneFile,
            ["MtaKit:Dns:Servers:0"] = "127.0.0.1:" + ClosedPort().ToString(CultureInfo.InvariantCulture),
            ["MtaKit:Delivery:MxPort"] = mxPort.ToString(CultureInfo.InvariantCulture),
            ["MtaKit:Delivery:MtaSts"] = "false",
            ["MtaKit:Queue:SpoolPath"] = spool,
            ["MtaKit:Queue:Tier:Name"] = name,
            ["MtaKit:Queue:Tier:Window"] = window.ToString("c", CultureInfo.InvariantCulture),
            ["MtaKit:Queue:Tier:Retry"] = retry,
            ["MtaKit:Routing:Routes:0:Domains:0"] = "*",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "mx",
            ["MtaKit:Routing:Client:ConnectTimeout"] = "00:00:05",
        };
        var builder = Create(settings);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseSubmission()
            .UseScanning()
            .UseDkimSigning()
            .UseFallbackTier();
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
