using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Hints;

public sealed class HintsHostingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private IHost BuildHost(Dictionary<string, string?> settings, Action<MtaKitBuilder> compose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0";
        settings["MtaKit:AnnounceListeners"] = "false";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<TimeProvider>(_time);
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = _dir.Path, Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        compose(mtaKit);
        return builder.Build();
    }

    private static async Task<string> RcptAsync(IHost host, string sender, string recipient)
    {
        await using var client = await RawSmtpClient.ConnectAsync(host.EndPoint());
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var mail = await client.CommandAsync($"MAIL FROM:<{sender}>");
        return mail.StartsWith("250", StringComparison.Ordinal) ? await client.CommandAsync($"RCPT TO:<{recipient}>") : mail;
    }

    [Fact]
    public async Task UseRateLimits_FromConfiguration_DefersOverLimit()
    {
        using var host = BuildHost(
            new()
            {
                ["MtaKit:RateLimits:0:Key"] = "Sender",
                ["MtaKit:RateLimits:0:Phase"] = "Mail",
                ["MtaKit:RateLimits:0:Limit"] = "1",
                ["MtaKit:RateLimits:0:Window"] = "01:00:00",
            },
            b => b.UseRateLimits());
        await host.StartAsync();

        Assert.StartsWith("250", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        Assert.StartsWith("450 4.7.1", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        await host.StopAsync();
    }

    [Fact]
    public async Task UseGreylisting_FromConfiguration_DefersThenPasses()
    {
        using var host = BuildHost(new() { ["MtaKit:Greylisting:Delay"] = "00:01:00" }, b => b.UseGreylisting());
        await host.StartAsync();

        Assert.Equal("451 4.7.1 Greylisted, try again in 60 seconds", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.StartsWith("250", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        await host.StopAsync();
    }

    [Fact]
    public async Task UseGreylisting_RoutingRelayNetworks_Bypass()
    {
        using var host = BuildHost(new() { ["MtaKit:Routing:RelayNetworks:0"] = "127.0.0.0/8" }, b => b.UseGreylisting());
        await host.StartAsync();

        Assert.StartsWith("250", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        await host.StopAsync();
    }

    [Fact]
    public async Task UseRecipientValidation_FromConfiguration_RejectsUnknown()
    {
        using var host = BuildHost(new() { ["MtaKit:Recipients:Addresses:0"] = "bob@example.test" }, b => b.UseRecipientValidation());
        await host.StartAsync();

        Assert.StartsWith("250", await RcptAsync(host, "s@sender.test", "bob@example.test"));
        Assert.Equal("550 5.1.1 User unknown", await RcptAsync(host, "s@sender.test", "eve@example.test"));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("MtaKit:RateLimits:0:Phase", "Sometimes", "MtaKit:RateLimits:0:Phase 'Sometimes' is not a valid value")]
    [InlineData("MtaKit:RateLimits:0:Limit", "0", "MtaKit:RateLimits:0:Limit: must be at least 1")]
    [InlineData("MtaKit:Greylisting:Delay", "soon", "MtaKit:Greylisting:Delay 'soon' is not a valid time span")]
    [InlineData("MtaKit:Greylisting:RelayNetworks:0", "10.0.0.0/99", "MtaKit:Greylisting:RelayNetworks:0 '10.0.0.0/99' is not a CIDR network")]
    [InlineData("MtaKit:Recipients:Files:0", "/nonexistent/recipients", "MtaKit:Recipients:Files:0: '/nonexistent/recipients' does not exist")]
    [InlineData("MtaKit:Hints:MaxEntries", "0", "MtaKit:Hints:MaxEntries: must be at least 1")]
    [InlineData("MtaKit:Cluster:Nodes", "0", "MtaKit:Cluster:Nodes: must be at least 1")]
    public async Task Use_InvalidConfiguration_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [key] = value, ["MtaKit:RateLimits:0:Key"] = "Ip" }, b => b.UseRateLimits().UseGreylisting().UseRecipientValidation());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Use_ClusterWithEmbeddedStore_WarnsAtStartPerFeature()
    {
        using var host = BuildHost(new() { ["MtaKit:Cluster:Nodes"] = "3", ["MtaKit:RateLimits:0:Key"] = "Ip" }, b => b.UseRateLimits().UseGreylisting());
        await host.StartAsync();
        await host.StopAsync();

        var warnings = _logs.Events.Where(e => e.EventId == 4190).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Contains(warnings, w => w.Message.StartsWith("Greylisting keeps its state", StringComparison.Ordinal) && w.Message.Contains("MtaKit:Cluster:Nodes is 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Use_SingleNodeOrSharedStore_DoesNotWarn()
    {
        using var single = BuildHost(new(), b => b.UseGreylisting());
        await single.StartAsync();
        await single.StopAsync();
        using var shared = BuildHost(new() { ["MtaKit:Cluster:Nodes"] = "3" }, b =>
        {
            b.Services.AddSingleton<IHintsStore>(new SharedStore(new InMemoryHintsStore()));
            b.UseGreylisting();
        });
        await shared.StartAsync();
        await shared.StopAsync();

        Assert.DoesNotContain(_logs.Events, e => e.EventId == 4190);
    }

    [Fact]
    public async Task AddMtaKitHints_KeepsRegisteredStoreAndBoundsEmbeddedOne()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MtaKit:Hints:MaxEntries"] = "2" }).Build().GetSection("MtaKit");
        using var embedded = new ServiceCollection().AddMtaKitHints(config).BuildServiceProvider();
        var custom = new SharedStore(new InMemoryHintsStore());
        using var registered = new ServiceCollection().AddSingleton<IHintsStore>(custom).AddMtaKitHints(config).BuildServiceProvider();

        var store = Assert.IsType<InMemoryHintsStore>(embedded.GetRequiredService<IHintsStore>());
        for (var i = 0; i < 5; i++)
        {
            await store.IncrementAsync("k" + i, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(2, store.Count);
        Assert.Same(custom, registered.GetRequiredService<IHintsStore>());
    }

    // Stands for a shared (Redis) store: not the embedded type.
    private sealed class SharedStore(IHintsStore inner) : IHintsStore
    {
        public ValueTask<long> IncrementAsync(string key, TimeSpan window, long increment = 1, CancellationToken cancellationToken = default) => inner.IncrementAsync(key, window, increment, cancellationToken);

        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default) => inner.SetAsync(key, value, timeToLive, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<bool> SetIfAbsentAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default) => inner.SetIfAbsentAsync(key, value, timeToLive, cancellationToken);

        public ValueTask<bool> CompareAndSetAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default) => inner.CompareAndSetAsync(key, expected, value, timeToLive, cancellationToken);
    }
}
