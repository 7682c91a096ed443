using MtaKit.Core.Tests.Dns;
using MtaKit.Core.Tests.Server;

namespace MtaKit.Core.Tests.Policy.Dnsbl;

public sealed class DnsblStageTests : IDisposable
{
    private const string Zone = """
        10.2.0.192.bl.test     A   127.0.0.2
        10.2.0.192.bl.test     TXT "listed: see https://bl.test/q?192.0.2.10"
        11.2.0.192.bl.test     A   127.0.0.2
        11.2.0.192.allow.test  A   127.0.0.2
        12.2.0.192.bl.test     TIMEOUT
        13.2.0.192.bl.test     SERVFAIL
        spam.test.dbl.test     A   127.0.1.2
        spam.test.dbl.test     TXT "https://dbl.test/spam.test"
        slow.test.dbl.test     TIMEOUT
        """;

    private const string Blocked = "Service unavailable; client [192.0.2.10] blocked using bl.test; listed: see https://bl.test/q?192.0.2.10";
    private readonly MetricRecorder _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private DnsblStage CreateSut(DnsblRejectPhase rejectAt)
    {
        var options = new DnsblOptions { Threshold = 1, RejectAt = rejectAt, Timeout = TimeSpan.FromSeconds(2) };
        options.Lists.Add(new DnsblListOptions { Zone = "bl.test", Weight = 1 });
        options.Lists.Add(new DnsblListOptions { Zone = "allow.test", Weight = -5 });
        var checker = new DnsblChecker(new StaticZoneResolver(StaticZone.Parse(Zone)), options);
        return new DnsblStage(checker, meterFactory: _metrics);
    }

    [Fact]
    public async Task OnConnect_ListedRejectAtConnect_554GreetingThenOnlyQuit()
    {
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Connect));
        await using var c = await PolicyServer.ConnectAsync(server, "192.0.2.10");

        // RFC 2034: no enhanced status code in the greeting.
        Assert.Equal("554 " + Blocked, await c.ReadLastLineAsync());
        Assert.StartsWith("503 ", await c.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        Assert.StartsWith("221 ", await c.CommandAsync("QUIT"), StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Get("mtakit.policy.verdicts[outcome=reject]"));
    }

    [Fact]
    public async Task OnConnect_NotListed_Greeting220()
    {
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Connect));
        await using var c = await PolicyServer.ConnectAsync(server, "192.0.2.99");

        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
    }

    [Fact]
    public async Task OnRcpt_ListedRejectAtRcpt_550ExceptPostmaster()
    {
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Rcpt));
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");

        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);
        Assert.Equal("550 5.7.1 " + Blocked, await c.CommandAsync("RCPT TO:<user@example.test>"));
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<Postmaster@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<Postmaster>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await PolicyServer.SendDataAsync(c, "Subject: hi\r\n\r\nbody\r\n"), StringComparison.Ordinal);
        Assert.Equal(["Postmaster@example.test", "Postmaster"], Assert.Single(server.Handler.Messages).Recipients);
    }

    [Fact]
    public async Task OnRcpt_AllowListed_Accepted()
    {
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Rcpt));
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.11");

        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.12")]
    [InlineData("192.0.2.13")]
    public async Task OnConnect_DnsFailure_NeverBlocksAndIsCounted(string client)
    {
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Connect));
        await using var c = await PolicyServer.OpenAsync(server, client);

        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@sender.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Get("mtakit.policy.dns_failures[stage=dnsbl]"));
    }

    [Fact]
    public async Task OnConnect_Listed_ResultStoredOnSession()
    {
        DnsblResult? seen = null;
        var probe = new TestStage { Helo = (ctx, next) => { seen = ctx.Session.Properties.Get<DnsblResult>(); return next(ctx); } };
        await using var server = await PolicyServer.StartAsync(CreateSut(DnsblRejectPhase.Rcpt), probe);
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");

        Assert.NotNull(seen);
        Assert.Equal(1, seen.Value.Score);
        Assert.True(seen.Value.IsBlocked);
    }

    [Fact]
    public async Task OnRcpt_ListedButAuthenticated_Accepted()
    {
        await using var server = await TestServer.StartAsync(
            listener: l => l with { ProxyProtocol = true, TrustedProxies = [System.Net.IPNetwork.Parse("127.0.0.0/8")], RequireTlsForAuth = false },
            pipeline: TestStage.Pipeline(CreateSut(DnsblRejectPhase.Rcpt)),
            authenticator: new TestAuthenticator());
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");

        Assert.StartsWith("235 ", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0secret"u8.ToArray())), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
    }

    private DnsblStage CreateDomainSut()
    {
        var options = new DnsblOptions();
        options.DomainLists.Add(new DnsblListOptions { Zone = "dbl.test", Codes = { "127.0.1.2-127.0.1.99" } });
        return new DnsblStage(new DnsblChecker(new StaticZoneResolver(StaticZone.Parse(Zone)), options), meterFactory: _metrics);
    }

    [Theory]
    [InlineData("a@spam.test", "550 5.7.1 Sender domain spam.test blocked using dbl.test; https://dbl.test/spam.test")]
    [InlineData("a@good.test", "250 ")]
    [InlineData("a@slow.test", "250 ")]
    [InlineData("", "250 ")]
    public async Task OnMail_DomainList_ListedSenderRefused(string sender, string expected)
    {
        await using var server = await PolicyServer.StartAsync(CreateDomainSut());
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");

        Assert.StartsWith(expected, await c.CommandAsync($"MAIL FROM:<{sender}>"), StringComparison.Ordinal);
        Assert.Equal(sender == "a@slow.test" ? 1 : 0, _metrics.Get("mtakit.policy.dns_failures[stage=dnsbl]"));
    }

    [Fact]
    public void DnsblOptions_InvalidDomainList_NamesTheKey()
    {
        var options = new DnsblOptions();
        options.DomainLists.Add(new DnsblListOptions { Zone = "", Weight = 0 });

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("MtaKit:Dnsbl:DomainLists:0:Zone", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MtaKit:Dnsbl:DomainLists:0:Weight", StringComparison.Ordinal));
    }
}
