using MtaKit.Core.Tests.Dns;
using MtaKit.Core.Tests.Server;

namespace MtaKit.Core.Tests.Policy.SenderChecks;

public sealed class SenderChecksStageTests : IDisposable
{
    private const string Zone = """
        good.test       MX   10 mx.good.test
        mx.good.test    A    192.0.2.50
        nullmx.test     MX   0 .
        gone.test       NXDOMAIN
        empty.test      NODATA
        slow.test       TIMEOUT
        broken.test     SERVFAIL
        """;

    private readonly MetricRecorder _metrics = new();
    private MailDomainCheckResult? _seen;

    public void Dispose() => _metrics.Dispose();

    private Task<TestServer> StartAsync(SenderChecksOptions? options = null)
        => PolicyServer.StartAsync(
            new SenderChecksStage(new MailDomainChecker(new StaticZoneResolver(StaticZone.Parse(Zone))), options, meterFactory: _metrics),
            new TestStage { Mail = (ctx, next) => { _seen = ctx.Transaction.Properties.Get<MailDomainCheckResult>(); return next(ctx); } });

    private static async Task<string> MailAsync(TestServer server, string reversePath)
    {
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");
        return await c.CommandAsync($"MAIL FROM:<{reversePath}>");
    }

    [Theory]
    [InlineData("a@gone.test", "550 5.1.8 Sender domain gone.test does not exist")]
    [InlineData("a@nullmx.test", "550 5.1.8 Sender domain nullmx.test does not accept mail (null MX)")]
    [InlineData("a@empty.test", "550 5.1.8 Sender domain empty.test has no mail host")]
    [InlineData("a@slow.test", "451 4.4.3 Sender domain slow.test: DNS lookup failed, try again later")]
    [InlineData("a@broken.test", "451 4.4.3 Sender domain broken.test: DNS lookup failed, try again later")]
    public async Task OnMail_DomainCannotReceive_ExactReply(string sender, string reply)
    {
        await using var server = await StartAsync();

        Assert.Equal(reply, await MailAsync(server, sender));
    }

    [Theory]
    [InlineData("a@good.test")]
    [InlineData("")]
    [InlineData("a@[192.0.2.7]")]
    public async Task OnMail_GoodOrNotChecked_Accepted(string sender)
    {
        await using var server = await StartAsync();

        Assert.StartsWith("250 ", await MailAsync(server, sender), StringComparison.Ordinal);
        Assert.Equal(sender == "a@good.test" ? MailDomainStatus.Exists : null, _seen?.Status);
    }

    [Fact]
    public async Task OnMail_RejectOff_AcceptedAndResultStored()
    {
        await using var server = await StartAsync(new SenderChecksOptions { RejectUnroutableDomains = false });

        Assert.StartsWith("250 ", await MailAsync(server, "a@nullmx.test"), StringComparison.Ordinal);
        Assert.Equal(MailDomainStatus.NullMx, _seen!.Status);
    }

    [Fact]
    public async Task OnMail_DnsFailureDeferOff_AcceptedAndCounted()
    {
        await using var server = await StartAsync(new SenderChecksOptions { DeferOnDnsFailure = false });

        Assert.StartsWith("250 ", await MailAsync(server, "a@slow.test"), StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Get("mtakit.policy.dns_failures[stage=sender]"));
    }
}
