using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>UsePassThroughRelay: configuration errors at start, extensions that follow the downstreams.</summary>
public sealed class PassThroughRelayConfigurationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:ServerName"] = "relay.test",
            ["MtaKit:AnnounceListeners"] = "false",
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
        }.Concat(settings).ToDictionary());
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UsePassThroughRelay();
        return builder.Build();
    }

    private static async Task<IReadOnlyList<string>> EhloAsync(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        await host.StartAsync();
        try
        {
            await using var client = await RawSmtpClient.ConnectAsync(host.EndPoint());
            await client.ReadReplyAsync();
            await client.SendAsync("EHLO client.test");
            return [.. (await client.ReadReplyAsync()).Select(l => l[4..])];
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Start_InvalidRouting_ThrowsNamingEveryKey()
    {
        using var host = Build(new()
        {
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "not a hop",
            ["MtaKit:Routing:FallbackHosts:0"] = "127.0.0.1:99999",
            ["MtaKit:Routing:RelayNetworks:0"] = "10.0.0.0/99",
            ["MtaKit:Routing:Client:ConnectTimeout"] = "soon",
        });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.StartsWith("Invalid MtaKit configuration", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Routing:Routes:0:NextHops:0:Address", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Routing:FallbackHosts:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Routing:RelayNetworks:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Routing:Client:ConnectTimeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoRoutes_Throws()
    {
        using var host = Build([]);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("MtaKit:Routing:Routes is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehlo_NothingStated_DsnBinaryMimeSmtpUtf8Dropped()
    {
        var ehlo = await EhloAsync(new()
        {
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "127.0.0.1:2526",
        });
        Assert.DoesNotContain("DSN", ehlo);
        Assert.DoesNotContain("BINARYMIME", ehlo);
        Assert.DoesNotContain("SMTPUTF8", ehlo);
        Assert.Contains("CHUNKING", ehlo);
        Assert.Contains("8BITMIME", ehlo);
    }

    [Fact]
    public async Task Ehlo_EveryRouteAndFallbackOffers_Kept()
    {
        var ehlo = await EhloAsync(new()
        {
            ["MtaKit:Listeners:smtp:Extensions:Dsn"] = "true",
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "127.0.0.1:2526",
            ["MtaKit:Routing:Routes:0:Offers:Dsn"] = "true",
            ["MtaKit:Routing:Routes:0:Offers:SmtpUtf8"] = "true",
            ["MtaKit:Routing:Routes:0:Offers:BinaryMime"] = "true",
            ["MtaKit:Routing:FallbackHosts:0"] = "127.0.0.1:2527",
            ["MtaKit:Routing:FallbackOffers:SmtpUtf8"] = "true",
            ["MtaKit:Routing:FallbackOffers:Dsn"] = "true",
        });
        Assert.Contains("DSN", ehlo);
        Assert.Contains("SMTPUTF8", ehlo);
        Assert.DoesNotContain("BINARYMIME", ehlo); // the fallback hosts do not state it
    }

    [Fact]
    public async Task Ehlo_OneRouteDoesNotOffer_Dropped()
    {
        var ehlo = await EhloAsync(new()
        {
            ["MtaKit:Routing:Routes:0:Domains:0"] = "example.test",
            ["MtaKit:Routing:Routes:0:NextHops:0:Address"] = "127.0.0.1:2526",
            ["MtaKit:Routing:Routes:0:Offers:SmtpUtf8"] = "true",
            ["MtaKit:Routing:Routes:1:Domains:0"] = "other.test",
            ["MtaKit:Routing:Routes:1:NextHops:0:Address"] = "127.0.0.1:2528",
        });
        Assert.DoesNotContain("SMTPUTF8", ehlo);
    }
}
