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
        using var dir = new TempDirectory();
        var rootA = Path.Combine(dir.Path, "a");
        var rootB = Path.Combine(dir.Path, "b");
        IHost? a = null, b = null, relay = null;
        try
        {
            a = await RelayHosts.StartMailstoreAsync(rootA);
            b = await RelayHosts.StartMailstoreAsync(rootB);
            var json = Path.Combine(dir.Path, "appsettings.json");
            WriteSettings(json, a.Hop());
            relay = await StartRelayAsync(json, new CapturingLoggerProvider());
            var reloading = relay.Services.GetRequiredService<ReloadingPassThroughRelay>();

            await using var client = await RawSmtpClient.ConnectAsync(relay.EndPoint());
            Assert.Equal(220, await client.ReadCodeAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
            await SendAsync(client, "first");
            Assert.Single(RelayHosts.Delivered(rootA));

            WriteSettings(json, b.Hop());
            await HealthHost.WaitUntilAsync(() => Task.FromResult(reloading.Generation == 2), "the routes reload");

            await SendAsync(client, "second");
            Assert.Single(RelayHosts.Delivered(rootA));
            Assert.Single(RelayHosts.Delivered(rootB));
            Assert.StartsWith("221", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, a, b);
        }
    }

    [Fact]
    public async Task RoutesChangedDuringTransaction_TransactionFinishesOnTheRouteItHadAtMail()
    {
        using var dir = new TempDirectory();
        var rootA = Path.Combine(dir.Path, "a");
        var rootB = Path.Combine(dir.Path, "b");
        IHost? a = null, b = null, relay = null;
        try
        {
            a = await RelayHosts.StartMailstoreAsync(rootA);
            b = await RelayHosts.StartMailstoreAsync(rootB);
            var json = Path.Combine(dir.Path, "appsettings.json");
            WriteSettings(json, a.Hop());
            relay = await StartRelayAsync(json, new CapturingLoggerProvider());
            var reloading = relay.Services.GetRequiredService<ReloadingPassThroughRelay>();

            await using var client = await RawSmtpClient.ConnectAsync(relay.EndPoint());
            Assert.Equal(220, await client.ReadCodeAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@sender.test>"), StringComparison.Ordinal);
            Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);

            WriteSettings(json, b.Hop());
            await HealthHost.WaitUntilAsync(() => Task.FromResult(reloading.Generation == 2), "the routes reload");

            Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<carol@example.test>"), StringComparison.Ordinal);
            Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
            Assert.StartsWith("250", await client.CommandAsync("Subject: begun before the reload\r\n\r\nbody\r\n."), StringComparison.Ordinal);
            Assert.Equal(2, RelayHosts.Delivered(rootA).Length);
            Assert.Empty(RelayHosts.Delivered(rootB));

            await SendAsync(client, "after the reload");
            Assert.Single(RelayHosts.Delivered(rootB));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, a, b);
        }
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
}
