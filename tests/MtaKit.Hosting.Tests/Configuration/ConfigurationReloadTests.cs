using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaKit.Hosting.Configuration;
using MtaKit.Hosting.Tests.Health;
using MtaKit.Hosting.Tests.Hints;
using MtaKit.Hosting.Tests.Relay;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Configuration;

public sealed class ConfigurationReloadTests
{
    [Fact]
    public async Task RoutesChangedOnDisk_OpenSessionsNextTransactionUsesNewRoute_ConnectionKept()
    {
        await using var net = await TwoDownstreams.StartAsync();
        var client = net.Client;
        await SendAsync(client, "first");
        Assert.Single(RelayHosts.Delivered(net.RootA));

        await net.RouteToBAsync();

        await SendAsync(client, "second");
        Assert.Single(RelayHosts.Delivered(net.RootA));
        Assert.Single(RelayHosts.Delivered(net.RootB));
        Assert.StartsWith("221", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesChangedDuringTransaction_TransactionFinishesOnTheRouteItHadAtMail()
    {
        await using var net = await TwoDownstreams.StartAsync();
        var client = net.Client;
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@sender.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);

        await net.RouteToBAsync();

        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<carol@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("Subject: begun before the reload\r\n\r\nbody\r\n."), StringComparison.Ordinal);
        Assert.Equal(2, RelayHosts.Delivered(net.RootA).Length);
        Assert.Empty(RelayHosts.Delivered(net.RootB));

        await SendAsync(client, "after the reload");
        Assert.Single(RelayHosts.Delivered(net.RootB));
    }

    [Fact]
    public async Task InvalidRoutesOnDisk_LoggedAndOldRoutesKept()
    {
        using var dir = new TempDirectory();
        var rootA = Path.Combine(dir.Path, "a");
        IHost? a = null, relay = null;
        try
        {
            a = await RelayHosts.StartMailstoreAsync(rootA);
            var json = Path.Combine(dir.Path, "appsettings.json");
            WriteSettings(json, a.Hop());
            var logs = new CapturingLoggerProvider();
            relay = await StartRelayAsync(json, logs);
            var reloading = relay.Services.GetRequiredService<ReloadingPassThroughRelay>();

            WriteSettings(json, "not a next hop");
            await HealthHost.WaitUntilAsync(() => Task.FromResult(logs.Events.Any(e => e.EventId == 7021)), "the invalid reload is logged");
            var line = logs.Events.First(e => e.EventId == 7021).Message;
            Assert.Contains("MtaKit:Routing:Routes:0:NextHops:0:Address", line, StringComparison.Ordinal);
            Assert.Equal(1, reloading.Generation);

            await using var client = await RawSmtpClient.ConnectAsync(relay.EndPoint());
            Assert.Equal(220, await client.ReadCodeAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
            await SendAsync(client, "still routed");
            Assert.Single(RelayHosts.Delivered(rootA));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, a);
        }
    }

    [Fact]
    public async Task TierRoutesChangedOnDisk_NextDeliveryAttemptUsesNewRoute()
    {
        using var dir = new TempDirectory();
        var root = Path.Combine(dir.Path, "mail");
        IHost? mailstore = null, tier = null;
        try
        {
            mailstore = await RelayHosts.StartMailstoreAsync(root);
            var json = Path.Combine(dir.Path, "appsettings.json");
            WriteSettings(json, RelayHosts.ClosedPort(), $", \"Queue\": {{ \"SpoolPath\": {System.Text.Json.JsonSerializer.Serialize(Path.Combine(dir.Path, "spool"))} }}");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir.Path });
            builder.Configuration.AddJsonFile(json, optional: false, reloadOnChange: true);
            builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UseFallbackTier();
            tier = builder.Build();
            await tier.StartAsync();
            var runner = tier.Services.GetRequiredService<MtaKit.Queueing.QueueRunner>();

            await using (var client = await RawSmtpClient.ConnectAsync(tier.EndPoint()))
            {
                Assert.Equal(220, await client.ReadCodeAsync());
                Assert.StartsWith("250", await client.CommandAsync("EHLO relay.test"), StringComparison.Ordinal);
                await SendAsync(client, "held");
            }

            var entry = Assert.Single(runner.List());
            await HealthHost.WaitUntilAsync(() => Task.FromResult(runner.List().Single().Attempts >= 1), "the first attempt fails");

            WriteSettings(json, mailstore.Hop(), $", \"Queue\": {{ \"SpoolPath\": {System.Text.Json.JsonSerializer.Serialize(Path.Combine(dir.Path, "spool"))} }}");
            var routes = tier.Services.GetRequiredService<ReloadingRouteTable>();
            await HealthHost.WaitUntilAsync(() => Task.FromResult(routes.Generation == 2), "the tier's routes reload");
            Assert.True(runner.RetryNow(entry.Id));

            await HealthHost.WaitUntilAsync(() => Task.FromResult(RelayHosts.Delivered(root).Length == 1), "the held message is delivered over the new route");
        }
        finally
        {
            await RelayHosts.StopAllAsync(tier, mailstore);
        }
    }

    private static async Task<IHost> StartRelayAsync(string json, CapturingLoggerProvider logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Path.GetDirectoryName(json) });
        builder.Configuration.AddJsonFile(json, optional: false, reloadOnChange: true);
        builder.Logging.AddProvider(logs);
        builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit")).UsePassThroughRelay(RelayHosts.ShortTimeouts);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task SendAsync(RawSmtpClient client, string subject)
    {
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@sender.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync($"Subject: {subject}\r\n\r\nbody\r\n."), StringComparison.Ordinal);
    }

    /// <summary>Replaces the file in one rename, so the watcher never reads half of it.</summary>
    private static void WriteSettings(string path, string nextHop, string extra = "")
    {
        var text = $$"""
            {
              "MtaKit": {
                "ServerName": "relay.test",
                "AnnounceListeners": false,
                "Listeners": { "smtp": { "Endpoint": "127.0.0.1:0" } },
                "Routing": {
                  "Routes": [ { "Domains": [ "example.test" ], "NextHops": [ { "Address": "{{nextHop}}" } ] } ]
                }{{extra}}
              }
            }
            """;
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Mailstores A and B, a relay whose appsettings.json routes to A, and a client session after EHLO.</summary>
    private sealed class TwoDownstreams : IAsyncDisposable
    {
        private readonly TempDirectory _dir = new();
        private IHost? _a, _b, _relay;
        private string _json = string.Empty;

        public string RootA => Path.Combine(_dir.Path, "a");

        public string RootB => Path.Combine(_dir.Path, "b");

        public RawSmtpClient Client { get; private set; } = null!;

        public static async Task<TwoDownstreams> StartAsync()
        {
            var net = new TwoDownstreams();
            try
            {
                net._a = await RelayHosts.StartMailstoreAsync(net.RootA);
                net._b = await RelayHosts.StartMailstoreAsync(net.RootB);
                net._json = Path.Combine(net._dir.Path, "appsettings.json");
                WriteSettings(net._json, net._a.Hop());
                net._relay = await StartRelayAsync(net._json, new CapturingLoggerProvider());
                net.Client = await RawSmtpClient.ConnectAsync(net._relay.EndPoint());
                Assert.Equal(220, await net.Client.ReadCodeAsync());
                Assert.StartsWith("250", await net.Client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
                return net;
            }
            catch
            {
                await net.DisposeAsync();
                throw;
            }
        }

        /// <summary>Rewrites the file to route to B and waits until the relay uses it.</summary>
        public async Task RouteToBAsync()
        {
            WriteSettings(_json, _b!.Hop());
            var reloading = _relay!.Services.GetRequiredService<ReloadingPassThroughRelay>();
            await HealthHost.WaitUntilAsync(() => Task.FromResult(reloading.Generation == 2), "the routes reload");
        }

        public async ValueTask DisposeAsync()
        {
            if (Client is not null)
            {
                await Client.DisposeAsync();
            }

            await RelayHosts.StopAllAsync(_relay, _a, _b);
            _dir.Dispose();
        }
    }
}
