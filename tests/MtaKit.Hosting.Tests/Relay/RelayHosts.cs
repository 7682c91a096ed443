using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>Real hosts on loopback: a pass-through relay and Mailstores (Maildir) behind it.</summary>
internal static class RelayHosts
{
    /// <summary>
    /// Short waits for a silent downstream (greeting, end-of-data reply) so hanging next hops cost
    /// seconds; every other step keeps room for a loaded CI machine.
    /// </summary>
    public static PassThroughRelayOptions ShortTimeouts(PassThroughRelayOptions o) => o with
    {
        Client = o.Client with
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            GreetingTimeout = TimeSpan.FromSeconds(4),
            CommandTimeout = TimeSpan.FromSeconds(30),
            MailTimeout = TimeSpan.FromSeconds(30),
            RcptTimeout = TimeSpan.FromSeconds(30),
            DataInitiationTimeout = TimeSpan.FromSeconds(30),
            DataBlockTimeout = TimeSpan.FromSeconds(30),
            DataTerminationTimeout = TimeSpan.FromSeconds(4),
        },
        DataBudget = TimeSpan.FromSeconds(60),
    };

    public static async Task<IHost> StartRelayAsync(string nextHop, string? fallback = null, Dictionary<string, string?>? extra = null, Func<PassThroughRelayOptions, PassThroughRelayOptions>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "relay.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = nextHop,
            ["MtaKit:Routing:Routes:0:Tls:Mode"] = "None",
        };
        if (fallback is not null)
        {
            settings["MtaKit:Routing:FallbackHosts:0"] = fallback;
        }

        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UsePassThroughRelay(configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<IHost> StartMailstoreAsync(string root, IReadOnlyCollection<string>? recipients = null, params object[] stages)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "mailstore.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
        });
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test"), DomainPattern.Parse("sender.test") };
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = root, Domains = domains, Recipients = recipients ?? [] }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        foreach (var stage in stages)
        {
            mtaKit.UseStage(stage);
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static string Hop(this IHost host) => Text(host.EndPoint());

    public static string Text(IPEndPoint endPoint) => $"{endPoint.Address}:{endPoint.Port}";

    public static string ClosedPort() => $"127.0.0.1:{FreePort.Next()}";

    /// <summary>Every message file delivered under a Maildir root.</summary>
    public static string[] Delivered(string root)
        => Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "new").ToArray() : [];

    public static async Task StopAllAsync(params IHost?[] hosts)
    {
        foreach (var host in hosts)
        {
            if (host is not null)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }
}
