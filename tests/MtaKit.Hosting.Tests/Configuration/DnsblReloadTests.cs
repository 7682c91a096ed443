using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting.Tests.Hints;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Configuration;

/// <summary>DNSBL lists follow configuration reloads; an invalid reload keeps the old lists.</summary>
public sealed class DnsblReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ThresholdLoweredByReload_NextConnectionBlocked()
    {
        using var host = Build();
        await host.StartAsync();
        Assert.Equal("220 mx.test ESMTP MtaKit", await GreetingAsync(host));

        Reload(host, "MtaKit:Dnsbl:Threshold", "2");

        Assert.Equal("554 Service unavailable; client [192.0.2.10] blocked using bl.test; listed in bl.test", await GreetingAsync(host));
        Assert.Contains(_logs.Events, e => e.EventId == 7020 && e.Message.Contains("MtaKit:Dnsbl", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task InvalidReload_LoggedAndOldListsKept()
    {
        using var host = Build();
        await host.StartAsync();

        Reload(host, "MtaKit:Dnsbl:Lists:0:Weight", "0");

        var line = Assert.Single(_logs.Events, e => e.EventId == 7021).Message;
        Assert.Contains("MtaKit:Dnsbl:Lists:0:Weight: must not be 0", line, StringComparison.Ordinal);
        Assert.Equal("220 mx.test ESMTP MtaKit", await GreetingAsync(host));
        await host.StopAsync();
    }

    private static void Reload(IHost host, string key, string value)
    {
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }

    private static async Task<string> GreetingAsync(IHost host)
    {
        await using var c = await RawSmtpClient.ConnectAsync(host.EndPoint());
        await c.SendRawAsync("PROXY TCP4 192.0.2.10 192.0.2.1 1234 25\r\n");
        return await c.ReadLastLineAsync();
    }

    private IHost Build()
    {
        var zoneFile = Path.Combine(_dir.Path, "bl.zone");
        File.WriteAllText(zoneFile, """
            $ZONE test
            10.2.0.192.bl.test            A    127.0.0.2
            10.2.0.192.bl.test            TXT  "listed in bl.test"
            """);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "mx.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:Listeners:smtp:ProxyProtocol"] = "true",
            ["MtaKit:Listeners:smtp:TrustedProxies:0"] = "127.0.0.0/8",
            ["MtaKit:Dns:StaticZoneFiles:0"] = zoneFile,
            ["MtaKit:Dns:Servers:0"] = new IPEndPoint(IPAddress.Loopback, FreePort.Next()).ToString(),
            ["MtaKit:Dnsbl:Lists:0:Zone"] = "bl.test",
            ["MtaKit:Dnsbl:Lists:0:Weight"] = "2",
            ["MtaKit:Dnsbl:Lists:0:Codes:0"] = "127.0.0.2-127.0.0.3",
            ["MtaKit:Dnsbl:RejectAt"] = "Connect",
            ["MtaKit:Dnsbl:Threshold"] = "3",
        });
        builder.Logging.AddProvider(_logs);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = Path.Combine(_dir.Path, "mail"), Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }))
            .UseDnsbl();
        return builder.Build();
    }
}
