using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Hosting;
using MtaKit.Redis.Tests.Hints;
using MtaKit.Routing;
using MtaKit.Testing;
using StackExchange.Redis;

namespace MtaKit.Redis.Tests.Hosting;

public sealed class RedisHintsHostingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task UseRedisHints_TwoHostsWithRateLimits_ShareOneLimit()
    {
        var redis = ServiceEnvironment.Require("REDIS");
        var settings = new Dictionary<string, string?>
        {
            ["MtaKit:Hints:Redis:Configuration"] = $"{redis.Address}:{redis.Port}",
            ["MtaKit:Hints:Redis:KeyPrefix"] = RedisConnections.UniquePrefix(),
            ["MtaKit:Cluster:Nodes"] = "2",
            ["MtaKit:RateLimits:0:Key"] = "Sender",
            ["MtaKit:RateLimits:0:Limit"] = "2",
        };

        // Rate limits first: the Redis store must replace the embedded one registered by UseRateLimits.
        using var a = BuildHost(settings, b => b.UseRateLimits().UseRedisHints());
        using var b = BuildHost(settings, b => b.UseRedisHints().UseRateLimits());
        await a.StartAsync();
        await b.StartAsync();

        Assert.IsType<RedisHintsStore>(a.Services.GetRequiredService<IHintsStore>());
        Assert.StartsWith("250", await MailAsync(a));
        Assert.StartsWith("250", await MailAsync(b));
        Assert.StartsWith("450 4.7.1", await MailAsync(a));
        Assert.StartsWith("450 4.7.1", await MailAsync(b));
        await a.StopAsync();
        await b.StopAsync();
    }

    [Fact]
    public async Task AddMtaKitRedisHints_DefaultsAndRedisDown_StartsAndFailsOpen()
    {
        var port = FreePort.Next();
        await using var provider = Services(new() { ["MtaKit:Hints:Redis:Configuration"] = $"127.0.0.1:{port},connectTimeout=200" });

        var options = provider.GetRequiredService<RedisHintsStoreOptions>();
        Assert.Equal("mtakit:", options.KeyPrefix);
        Assert.Equal(RedisFailurePolicy.FailOpen, options.OnFailure);
        var multiplexer = provider.GetRequiredService<IConnectionMultiplexer>();
        Assert.False(multiplexer.IsConnected);
        Assert.Null(await provider.GetRequiredService<IHintsStore>().GetAsync("k"));
    }

    [Theory]
    [InlineData("MtaKit:Hints:Redis:OnFailure", "Sometimes")]
    [InlineData("MtaKit:Hints:Redis:KeyPrefix", "has space")]
    [InlineData("MtaKit:Hints:Redis:FailureLogInterval", "soon")]
    [InlineData("MtaKit:Hints:Redis:Configuration", "127.0.0.1:6379,bogus=1")]
    public void AddMtaKitRedisHints_InvalidSetting_ThrowsNamingTheKey(string key, string value)
    {
        using var provider = Services(new() { [key] = value });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IHintsStore>());
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddMtaKitRedisHints(configuration.GetSection("MtaKit")).BuildServiceProvider();
    }

    private IHost BuildHost(Dictionary<string, string?> settings, Action<MtaKitBuilder> compose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MtaKit:Listeners:smtp:Endpoint"] = "127.0.0.1:0",
            ["MtaKit:AnnounceListeners"] = "false",
        });
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
            .UseMessageHandler(_ => new MaildirMessageHandler(new MaildirOptions { Root = _dir.Path, Domains = domains }))
            .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        compose(mtaKit);
        return builder.Build();
    }

    private static async Task<string> MailAsync(IHost host)
    {
        var endPoint = host.Services.GetRequiredService<SmtpServerHost>().Server.GetEndPoint("smtp");
        await using var client = await RawSmtpClient.ConnectAsync(endPoint);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        return await client.CommandAsync("MAIL FROM:<s@sender.test>");
    }
}
