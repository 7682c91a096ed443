using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Core.Tests.Hints;

namespace MtaKit.Core.Tests.Policy.Greylisting;

public sealed class GreylistingStageTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryHintsStore _store;

    public GreylistingStageTests() => _store = new InMemoryHintsStore(null, _time);

    private GreylistingStage CreateSut(GreylistingOptions? options = null) => new(options ?? new GreylistingOptions(), _store, _time);

    [Fact]
    public async Task OnRcptAsync_NewTriplet_DefersUntilDelayThenPasses()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut());

        Assert.Equal("451 4.7.1 Greylisted, try again in 300 seconds", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("451 4.7.1 Greylisted, try again in 180 seconds", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));

        // Known now: passes at once; another recipient is a new triplet.
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "S@sender.test", "R@example.test"));
        Assert.StartsWith("451 4.7.1", await PolicyStageServer.RcptAsync(server, "s@sender.test", "other@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_RetryAfterUnconfirmedLifetime_StartsOver()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut());
        Assert.StartsWith("451", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));

        _time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));

        Assert.Equal("451 4.7.1 Greylisted, try again in 300 seconds", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_PassUnusedPastLifetime_GreylistsAgain_UsedWithinLifetime_StaysKnown()
    {
        var options = new GreylistingOptions { PassLifetime = TimeSpan.FromDays(2), AutoAllowAfter = 0 };
        await using var server = await PolicyStageServer.StartAsync(CreateSut(options));
        await PassAsync(server, "s@sender.test", "r@example.test");
        await PassAsync(server, "s@sender.test", "q@example.test");

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromDays(1.5));
            Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
        }

        Assert.StartsWith("451", await PolicyStageServer.RcptAsync(server, "s@sender.test", "q@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_AfterAutoAllowPasses_ClientIsNotGreylisted()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new GreylistingOptions { AutoAllowAfter = 2 }));
        await PassAsync(server, "a@sender.test", "r@example.test");
        Assert.StartsWith("451", await PolicyStageServer.RcptAsync(server, "new@sender.test", "r@example.test"));
        await PassAsync(server, "b@sender.test", "r@example.test");

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "another@sender.test", "r@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_NullSender_Bypasses()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut());

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, string.Empty, "r@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_RelayNetwork_Bypasses()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new GreylistingOptions { RelayNetworks = [IPNetwork.Parse("127.0.0.0/8")] }));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_Disabled_Passes()
    {
        await using var server = await PolicyStageServer.StartAsync(CreateSut(new GreylistingOptions { Enabled = false }));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, "s@sender.test", "r@example.test"));
    }

    [Fact]
    public async Task OnRcptAsync_TwoRelaysSharingStore_SeeOneTriplet()
    {
        await using var first = await PolicyStageServer.StartAsync(CreateSut());
        await using var second = await PolicyStageServer.StartAsync(CreateSut());
        Assert.StartsWith("451", await PolicyStageServer.RcptAsync(first, "s@sender.test", "r@example.test"));

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(second, "s@sender.test", "r@example.test"));
    }

    [Theory]
    [InlineData("Delay")]
    [InlineData("UnconfirmedLifetime")]
    [InlineData("PassLifetime")]
    [InlineData("AutoAllowAfter")]
    [InlineData("Ipv4Prefix")]
    [InlineData("Ipv6Prefix")]
    public void Validate_BadValue_NamesKey(string key)
    {
        var options = key switch
        {
            "Delay" => new GreylistingOptions { Delay = TimeSpan.FromDays(1) },
            "UnconfirmedLifetime" => new GreylistingOptions { UnconfirmedLifetime = TimeSpan.FromMinutes(1) },
            "PassLifetime" => new GreylistingOptions { PassLifetime = TimeSpan.FromMinutes(1) },
            "AutoAllowAfter" => new GreylistingOptions { AutoAllowAfter = -1 },
            "Ipv4Prefix" => new GreylistingOptions { Ipv4Prefix = 33 },
            _ => new GreylistingOptions { Ipv6Prefix = 0 },
        };

        Assert.Contains(options.Validate(), e => e.StartsWith("MtaKit:Greylisting:" + key + ":", StringComparison.Ordinal));
        Assert.Empty(new GreylistingOptions().Validate());
    }

    private async Task PassAsync(Server.TestServer server, string sender, string recipient)
    {
        Assert.StartsWith("451", await PolicyStageServer.RcptAsync(server, sender, recipient));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.StartsWith("250", await PolicyStageServer.RcptAsync(server, sender, recipient));
    }
}
