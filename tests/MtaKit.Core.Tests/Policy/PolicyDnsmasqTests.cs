using System.Net;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy;

/// <summary>
/// The policy stages over the network resolver against the shared dnsmasq (tests/services/start-dns.sh default data:
/// 192.0.2.10 listed in dnsbl.test, example.test SPF ip4:127.0.0.1 -all, nullmx.test, 127.0.0.1 PTR mx1.example.test).
/// The client address comes from a PROXY v1 line.
/// </summary>
public sealed class PolicyDnsmasqTests : IDisposable
{
    private readonly List<DnsResolver> _resolvers = [];

    public void Dispose()
    {
        foreach (var r in _resolvers)
        {
            r.Dispose();
        }
    }

    private DnsResolver Resolver(string? server = null)
    {
        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 };
        options.Servers.Add(server ?? ServiceEnvironment.Require("DNS").ToString());
        var resolver = new DnsResolver(options);
        _resolvers.Add(resolver);
        return resolver;
    }

    private DnsblStage Dnsbl(DnsblRejectPhase rejectAt)
    {
        var options = new DnsblOptions { RejectAt = rejectAt };
        options.Lists.Add(new DnsblListOptions { Zone = "dnsbl.test" });
        return new DnsblStage(new DnsblChecker(Resolver(), options));
    }

    [SkippableFact]
    public async Task Dnsbl_ListedClientRejectAtConnect_554WithTxtReason()
    {
        await using var server = await PolicyServer.StartAsync(Dnsbl(DnsblRejectPhase.Connect));
        await using var c = await PolicyServer.ConnectAsync(server, "192.0.2.10");

        Assert.Equal("554 Service unavailable; client [192.0.2.10] blocked using dnsbl.test; 192.0.2.10 is listed in dnsbl.test", await c.ReadLastLineAsync());
    }

    [SkippableFact]
    public async Task Dnsbl_ListedClientRejectAtRcpt_550ButPostmasterAccepted()
    {
        await using var server = await PolicyServer.StartAsync(Dnsbl(DnsblRejectPhase.Rcpt));
        await using var c = await PolicyServer.OpenAsync(server, "127.0.0.2");

        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@example.test>"), StringComparison.Ordinal);
        Assert.Equal("550 5.7.1 Service unavailable; client [127.0.0.2] blocked using dnsbl.test; 127.0.0.2 is listed in dnsbl.test (test entry)", await c.CommandAsync("RCPT TO:<user@example.test>"));
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<postmaster@example.test>"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Dnsbl_UnlistedClient_Greeting220()
    {
        await using var server = await PolicyServer.StartAsync(Dnsbl(DnsblRejectPhase.Connect));
        await using var c = await PolicyServer.ConnectAsync(server, "127.0.0.1");

        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
    }

    [SkippableTheory]
    [InlineData("127.0.0.1", "a@example.test", "250 ")]
    [InlineData("192.0.2.10", "a@example.test", "550 5.7.23 SPF fail - not authorized")]
    public async Task Spf_ExampleTest_PassOrFail(string client, string sender, string expected)
    {
        await using var server = await PolicyServer.StartAsync(new SpfStage(new SpfEvaluator(Resolver())));
        await using var c = await PolicyServer.OpenAsync(server, client);

        Assert.StartsWith(expected, await c.CommandAsync($"MAIL FROM:<{sender}>"), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("a@nullmx.test", "550 5.1.8 Sender domain nullmx.test does not accept mail (null MX)")]
    [InlineData("a@gone.test", "550 5.1.8 Sender domain gone.test does not exist")]
    [InlineData("a@nomx.test", "250 ")]
    [InlineData("a@example.test", "250 ")]
    public async Task SenderChecks_RealDns_ExactReply(string sender, string expected)
    {
        await using var server = await PolicyServer.StartAsync(new SenderChecksStage(new MailDomainChecker(Resolver())));
        await using var c = await PolicyServer.OpenAsync(server, "127.0.0.1");

        Assert.StartsWith(expected, await c.CommandAsync($"MAIL FROM:<{sender}>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SenderChecks_DeadDnsServer_451NeverFiveHundred()
    {
        // Nothing listens on this port: the query times out or is refused, a DNS failure either way.
        var dead = new IPEndPoint(IPAddress.Loopback, FreePort.Next()).ToString();
        await using var server = await PolicyServer.StartAsync(new SenderChecksStage(new MailDomainChecker(Resolver(dead))));
        await using var c = await PolicyServer.OpenAsync(server, "127.0.0.1");

        Assert.Equal("451 4.4.3 Sender domain example.test: DNS lookup failed, try again later", await c.CommandAsync("MAIL FROM:<a@example.test>"));
    }

    [SkippableFact]
    public async Task HeloChecks_LoopbackClient_FcrdnsPass()
    {
        HeloCheckResult? seen = null;
        var probe = new TestStage { Mail = (ctx, next) => { seen = ctx.Session.Properties.Get<HeloCheckResult>(); return next(ctx); } };
        await using var server = await PolicyServer.StartAsync(new HeloChecksStage(Resolver()), probe);
        await using var c = await PolicyServer.OpenAsync(server, "127.0.0.1", "mx1.example.test");
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@example.test>"), StringComparison.Ordinal);

        Assert.Equal(new HeloCheckResult("mx1.example.test", true, FcrdnsStatus.Pass, "mx1.example.test", 0), seen);
        Assert.True(seen!.HeloMatchesVerifiedName);
    }
}
