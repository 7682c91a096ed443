using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;

namespace MtaKit.Hosting.Tests.Health;

/// <summary>A mailstore host with a health endpoint, and the probes a layer-4 switch would make.</summary>
internal static class HealthHost
{
    public static IHost Build(Dictionary<string, string?> settings, string maildirRoot, Action<IServiceCollection, MtaKitBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = maildirRoot, Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        configure?.Invoke(builder.Services, mtaKit);
        return builder.Build();
    }

    public static Dictionary<string, string?> Settings(int healthPort, string mode = "Http") => new()
    {
        ["MtaKit:ServerName"] = "health.test",
        ["MtaKit:AnnounceListeners"] = "false",
        ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
        ["MtaKit:Health:Endpoint"] = $"127.0.0.1:{healthPort}",
        ["MtaKit:Health:Mode"] = mode,
        ["MtaKit:Health:UnhealthyGracePeriod"] = "00:00:00",
        ["MtaKit:Health:NextHopProbeTimeout"] = "00:00:01",
    };

    /// <summary>GET /health: the status code and body.</summary>
    public static async Task<(int Code, string Body)> GetAsync(int port, string path = "/health")
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Whether a TCP connect to the port succeeds.</summary>
    public static async Task<bool> AcceptsAsync(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(endPoint, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (a state change made by another task), failing after 10 s.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(20);
        }
    }
}
