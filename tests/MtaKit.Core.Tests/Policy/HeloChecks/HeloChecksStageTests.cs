using MtaKit.Core.Tests.Dns;
using MtaKit.Core.Tests.Server;

namespace MtaKit.Core.Tests.Policy.HeloChecks;

public sealed class HeloChecksStageTests : IDisposable
{
    private const string Zone = """
        10.2.0.192.in-addr.arpa  PTR  Host.Client.test
        host.client.test         A    192.0.2.10
        20.2.0.192.in-addr.arpa  PTR  liar.client.test
        liar.client.test         A    198.51.100.1
        30.2.0.192.in-addr.arpa  TIMEOUT
        """;

    private readonly MetricRecorder _metrics = new();
    private HeloCheckResult? _seen;

    public void Dispose() => _metrics.Dispose();

    private Task<TestServer> StartAsync(HeloChecksOptions? options = null)
        => PolicyServer.StartAsync(
            new HeloChecksStage(new StaticZoneResolver(StaticZone.Parse(Zone)), options, meterFactory: _metrics),
            new TestStage { Mail = (ctx, next) => { _seen = ctx.Session.Properties.Get<HeloCheckResult>(); return next(ctx); } });

    private static async Task<string> HeloAsync(TestServer server, string client, string name)
    {
        await using var c = await PolicyServer.ConnectAsync(server, client);
        Assert.StartsWith("220 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        return await c.CommandAsync("EHLO " + name);
    }

    [Theory]
    [InlineData("mx.test")]
    [InlineData("MX.TEST.")]
    [InlineData("[192.0.2.1]")]
    [InlineData("relay2.test")]
    public async Task OnHelo_ClaimsOurIdentity_550(string name)
    {
        await using var server = await StartAsync(new HeloChecksOptions { OurNames = ["relay2.test"] });

        Assert.Equal("550 5.7.1 You are not me", await HeloAsync(server, "192.0.2.10", name));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("bad_name!.test")]
    [InlineData("[192.0.2]")]
    [InlineData("[IPv6:nonsense]")]
    public async Task OnHelo_InvalidSyntax_501(string name)
    {
        await using var server = await StartAsync();

        Assert.Equal("501 5.5.2 Invalid HELO name: a domain name or address literal is required", await HeloAsync(server, "192.0.2.10", name));
        Assert.Equal(1, _metrics.Get("mtakit.policy.verdicts[outcome=reject]"));
    }

    [Fact]
    public async Task OnHelo_InvalidSyntaxScored_AcceptedWithScore()
    {
        await using var server = await StartAsync(new HeloChecksOptions { InvalidSyntaxAction = HeloSyntaxAction.Score, InvalidSyntaxScore = 3 });
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10", "localhost");
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);

        Assert.Equal(new HeloCheckResult("localhost", false, FcrdnsStatus.Pass, "host.client.test", 3), _seen);
    }

    [Theory]
    [InlineData("192.0.2.10", "host.client.test", FcrdnsStatus.Pass, "host.client.test", 0, true)]
    [InlineData("192.0.2.10", "[192.0.2.10]", FcrdnsStatus.Pass, "host.client.test", 0, false)]
    [InlineData("192.0.2.20", "liar.client.test", FcrdnsStatus.Fail, null, 1, false)]
    [InlineData("192.0.2.40", "nothing.client.test", FcrdnsStatus.Fail, null, 1, false)]
    [InlineData("192.0.2.30", "slow.client.test", FcrdnsStatus.TempError, null, 0, false)]
    public async Task OnHelo_Fcrdns_StoredOnSession(string client, string helo, FcrdnsStatus status, string? verified, int score, bool matches)
    {
        await using var server = await StartAsync();
        await using var c = await PolicyServer.OpenAsync(server, client, helo);
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);

        Assert.NotNull(_seen);
        Assert.Equal(status, _seen.Fcrdns);
        Assert.Equal(verified, _seen.VerifiedName);
        Assert.Equal(score, _seen.Score);
        Assert.Equal(matches, _seen.HeloMatchesVerifiedName);
        Assert.Equal(status == FcrdnsStatus.TempError ? 1 : 0, _metrics.Get("mtakit.policy.dns_failures[stage=helo]"));
    }

    [Fact]
    public async Task OnHelo_FcrdnsOff_NotChecked()
    {
        await using var server = await StartAsync(new HeloChecksOptions { CheckFcrdns = false });
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.20", "liar.client.test");
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);

        Assert.Equal(FcrdnsStatus.NotChecked, _seen!.Fcrdns);
        Assert.Equal(0, _seen.Score);
    }

    [Theory]
    [InlineData("[192.0.2.1]", "192.0.2.1")]
    [InlineData("[IPv6:2001:db8::1]", "2001:db8::1")]
    [InlineData("[IPv6:192.0.2.1]", null)]
    [InlineData("[192.0.2.1", null)]
    [InlineData("[1.2.3]", null)]
    public void ParseAddressLiteral_Forms(string name, string? expected)
        => Assert.Equal(expected, HeloChecksStage.ParseAddressLiteral(name)?.ToString());

    [Fact]
    public void Constructor_InvalidOptions_ListsKeys()
    {
        var e = Assert.Throws<ArgumentException>(() => new HeloChecksStage(new StaticZoneResolver(StaticZone.Parse("")), new HeloChecksOptions { MaxPtrNames = 0, OurNames = [" "] }));
        Assert.Contains("MtaKit:HeloChecks:MaxPtrNames", e.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:HeloChecks:OurNames", e.Message, StringComparison.Ordinal);
    }
}
