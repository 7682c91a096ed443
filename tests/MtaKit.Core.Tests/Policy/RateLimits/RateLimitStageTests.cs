using Microsoft.Extensions.Time.Testing;
using MtaKit.Core.Tests.Hints;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.RateLimits;

public sealed class RateLimitStageTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RateLimitStage CreateSut(params RateLimitRule[] rules)
        => new(new RateLimitOptions { Rules = rules }, new InMemoryHintsStore(null, _time));

    [Fact]
    public async Task OnRcptAsync_OverIpLimit_Defers450UntilWindowPasses()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RateLimitRule { Key = RateLimitKey.Ip, Phase = RateLimitPhase.Rcpt, Limit = 2, Window = TimeSpan.FromMinutes(1) }));
        await using var client = await PolicyStageServer.ConnectAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<s@sender.test>"));

        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@example.test>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.test>"));
        var refused = await client.CommandAsync("RCPT TO:<c@example.test>");
        Assert.StartsWith("450 4.7.1 ", refused);
        Assert.Contains("Too many recipients from your address", refused, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<d@example.test>"));
    }

    [Fact]
    public async Task OnConnectAsync_OverConnectionLimit_Answers421AndCloses()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RateLimitRule { Key = RateLimitKey.Network, Phase = RateLimitPhase.Connect, Limit = 2, Window = TimeSpan.FromMinutes(10) }));
        for (var i = 0; i < 2; i++)
        {
            await using var ok = await RawSmtpClient.ConnectAsync(server.EndPoint);
            Assert.StartsWith("220", await ok.ReadLastLineAsync());
        }

        await using var third = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var greeting = await third.ReadLastLineAsync();

        // No enhanced code in a greeting: the client has not seen ENHANCEDSTATUSCODES yet.
        Assert.StartsWith("421 Too many connections from your network", greeting);
        Assert.True(await third.IsClosedAsync());
    }

    [Fact]
    public async Task OnMailAsync_OverSenderLimit_DefersThatSenderOnly()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RateLimitRule { Key = RateLimitKey.Sender, Phase = RateLimitPhase.Mail, Limit = 1, Window = TimeSpan.FromHours(1) }));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "bulk@sender.test", "a@example.test"));
        Assert.StartsWith("450 4.7.1 Too many messages from this sender", await PolicyStageServer.RcptAsync(server, "BULK@sender.test", "a@example.test"));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "other@sender.test", "a@example.test"));
    }

    [Fact]
    public async Task OnMailAsync_NullSenderAndUnauthenticated_AreNotCountedBySenderOrUser()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(
            new RateLimitRule { Key = RateLimitKey.Sender, Phase = RateLimitPhase.Mail, Limit = 1 },
            new RateLimitRule { Key = RateLimitKey.User, Phase = RateLimitPhase.Mail, Limit = 1 }));

        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, string.Empty, "a@example.test"));
        }
    }

    [Fact]
    public async Task OnMailAsync_RefusedAttempts_StillCount()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new RateLimitRule { Key = RateLimitKey.Ip, Phase = RateLimitPhase.Mail, Limit = 2, Window = TimeSpan.FromMinutes(1) }));
        await using var client = await PolicyStageServer.ConnectAsync(server);
        for (var i = 0; i < 2; i++)
        {
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<s@sender.test>"));
            Assert.StartsWith("250", await client.CommandAsync("RSET"));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.StartsWith("450", await client.CommandAsync("MAIL FROM:<s@sender.test>"));
            _time.Advance(TimeSpan.FromSeconds(20));
        }

        // 100 s later the two accepted and the refused of the last minute still weigh over the limit.
        Assert.StartsWith("450", await client.CommandAsync("MAIL FROM:<s@sender.test>"));
    }

    [Theory]
    [InlineData(RateLimitKey.Sender, RateLimitPhase.Connect, 10, 60, "MtaKit:RateLimits:0:Phase")]
    [InlineData(RateLimitKey.User, RateLimitPhase.Connect, 10, 60, "MtaKit:RateLimits:0:Phase")]
    [InlineData(RateLimitKey.Ip, RateLimitPhase.Mail, 0, 60, "MtaKit:RateLimits:0:Limit")]
    [InlineData(RateLimitKey.Ip, RateLimitPhase.Mail, 10, 0, "MtaKit:RateLimits:0:Window")]
    public void Validate_BadRule_NamesKey(RateLimitKey key, RateLimitPhase phase, int limit, int windowSeconds, string expectedKey)
    {
        var options = new RateLimitOptions { Rules = [new RateLimitRule { Key = key, Phase = phase, Limit = limit, Window = TimeSpan.FromSeconds(windowSeconds) }] };

        Assert.Contains(options.Validate(), e => e.StartsWith(expectedKey + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoRules_Fails() => Assert.NotEmpty(new RateLimitOptions().Validate());

    [Theory]
    [InlineData(RateLimitKey.Ip, 32, 64)]
    [InlineData(RateLimitKey.Network, 24, 48)]
    public void EffectivePrefixes_DefaultByKey(RateLimitKey key, int v4, int v6)
    {
        var rule = new RateLimitRule { Key = key };

        Assert.Equal(v4, rule.EffectiveIpv4Prefix);
        Assert.Equal(v6, rule.EffectiveIpv6Prefix);
    }
}
