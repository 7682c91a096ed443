using System.Net;
using MtaKit.Core.Tests.Policy.Dkim;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy.Dmarc;

/// <summary>The DKIM/DMARC data stage through a real in-process server, with dkimpy-signed messages and keys in a static zone.</summary>
public sealed class DmarcStageTests
{
    // SPF of example.test does not cover 127.0.0.1, so only DKIM can make DMARC pass.
    private const string Policy = """
        example.test             TXT "v=spf1 ip4:192.0.2.99 -all"
        _dmarc.example.test      TXT "v=DMARC1; p=reject"
        _dmarc.quarantine.test   TXT "v=DMARC1; p=quarantine"
        """;

    private static async Task<TestServer> StartAsync(DmarcOptions options, string zone = Policy, object? before = null, bool withKeys = true)
    {
        var resolver = withKeys ? DkimTestData.Resolver(zone) : new StaticZoneResolver(StaticZone.Parse(zone));
        var stage = new DmarcStage(new DkimChecker(resolver), new DmarcEvaluator(resolver, random: new FixedRandom(0)), new SpfEvaluator(resolver), options);
        var pipeline = new SmtpPipelineBuilder();
        if (before is not null)
        {
            pipeline.Use(before);
        }

        return await TestServer.StartAsync(pipeline: pipeline.Use(stage).Build());
    }

    /// <summary>One transaction (EHLO, MAIL, RCPT bob@example.test, DATA); returns the last line of the final reply.</summary>
    internal static async Task<string> SendAsync(TestServer server, string mailFrom, string message)
    {
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.example.net");
        await c.ReadReplyAsync();
        Assert.StartsWith("250 ", await c.CommandAsync($"MAIL FROM:<{mailFrom}>"));
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<bob@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        await c.SendRawAsync(message + ".\r\n");
        return await c.ReadLastLineAsync();
    }

    private static string AuthenticationResults(DeliveredMessage m)
    {
        var text = m.Text;
        var start = text.IndexOf("Authentication-Results: ", StringComparison.Ordinal);
        Assert.True(start >= 0, text);
        var end = text.IndexOf("\r\n", start, StringComparison.Ordinal);
        while (text[end + 2] is '\t' or ' ')
        {
            end = text.IndexOf("\r\n", end + 2, StringComparison.Ordinal);
        }

        return text[start..end];
    }

    [Fact]
    public async Task OnDataAsync_DkimpySignedMessage_PassAndAuthenticationResults()
    {
        await using var server = await StartAsync(new DmarcOptions { Enforce = true });
        var signed = DkimTestData.ReadText("signed-rsa.eml");

        var reply = await SendAsync(server, "bounce@example.test", signed);

        Assert.StartsWith("250 2.0.0 Ok", reply);
        var m = Assert.Single(server.Handler.Messages);
        var b = signed[(signed.IndexOf(" b=", StringComparison.Ordinal) + 3)..].TrimStart()[..8];
        var headerB = b.IndexOfAny(['/', '=']) >= 0 ? $"\"{b}\"" : b; // a token, else a quoted-string (RFC 2045)
        Assert.Equal(
            "Authentication-Results: mx.test;\r\n\tspf=fail smtp.mailfrom=bounce@example.test;\r\n"
            + $"\tdkim=pass header.d=example.test header.s=sel1 header.b={headerB};\r\n\tdmarc=pass (p=reject dis=none) header.from=example.test",
            AuthenticationResults(m));
        Assert.EndsWith(signed, m.Text, StringComparison.Ordinal);
        Assert.StartsWith("Received: ", m.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_ForgedFromWithRejectPolicy_Exact550()
    {
        await using var server = await StartAsync(new DmarcOptions { Enforce = true });

        var reply = await SendAsync(server, "attacker@evil.example", DkimTestData.ReadText("msg.eml"));

        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for example.test", reply);
        Assert.Empty(server.Handler.Messages);
    }

    [Fact]
    public async Task OnDataAsync_AlteredSignedMessageWithRejectPolicy_Exact550()
    {
        await using var server = await StartAsync(new DmarcOptions { Enforce = true });
        var altered = DkimTestData.ReadText("signed-rsa.eml").Replace("signed.", "changed.", StringComparison.Ordinal);

        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for example.test", await SendAsync(server, "bounce@example.test", altered));
    }

    [Fact]
    public async Task OnDataAsync_KeyLookupTimesOut_451NotReject()
    {
        await using var server = await StartAsync(new DmarcOptions { Enforce = true }, Policy + "\nsel1._domainkey.example.test TIMEOUT", withKeys: false);

        var reply = await SendAsync(server, "bounce@example.test", DkimTestData.ReadText("signed-rsa.eml"));

        Assert.Equal("451 4.4.3 Temporary DNS failure checking DMARC for example.test, try again later", reply);
    }

    [Fact]
    public async Task OnDataAsync_NotEnforcing_AcceptsForgedWithDmarcFail()
    {
        await using var server = await StartAsync(new DmarcOptions());

        var reply = await SendAsync(server, "attacker@evil.example", DkimTestData.ReadText("msg.eml"));

        Assert.StartsWith("250 2.0.0 Ok", reply);
        var header = AuthenticationResults(Assert.Single(server.Handler.Messages));
        Assert.Contains("\tdkim=none;\r\n", header, StringComparison.Ordinal);
        Assert.EndsWith("\tdmarc=fail (p=reject dis=reject) header.from=example.test", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DmarcQuarantineAction.Quarantine, "250 2.0.0 Ok", true)]
    [InlineData(DmarcQuarantineAction.Accept, "250 2.0.0 Ok", false)]
    [InlineData(DmarcQuarantineAction.Reject, "550 5.7.1 Email rejected per DMARC policy for quarantine.test", false)]
    public async Task OnDataAsync_QuarantinePolicy_ConfiguredAction(DmarcQuarantineAction action, string expectedReply, bool quarantined)
    {
        await using var server = await StartAsync(new DmarcOptions { Enforce = true, QuarantineAction = action });
        var message = DkimTestData.ReadText("msg.eml").Replace("alice@example.test", "alice@quarantine.test", StringComparison.Ordinal);

        var reply = await SendAsync(server, "attacker@evil.example", message);

        Assert.StartsWith(expectedReply, reply, StringComparison.Ordinal);
        if (expectedReply.StartsWith('2'))
        {
            var m = Assert.Single(server.Handler.Messages);
            Assert.Equal(quarantined, m.Quarantine is not null);
        }
    }

    [Fact]
    public async Task OnDataAsync_ForgedAuthenticationResults_RemovedOthersKept()
    {
        await using var server = await StartAsync(new DmarcOptions());
        var message = "Authentication-Results: MX.TEST; dkim=pass header.d=example.test\r\n"
            + "Authentication-Results: upstream.example; spf=pass smtp.mailfrom=x@example.test\r\n"
            + DkimTestData.ReadText("signed-rsa.eml");

        await SendAsync(server, "bounce@example.test", message);

        var text = Assert.Single(server.Handler.Messages).Text;
        Assert.DoesNotContain("Authentication-Results: MX.TEST;", text, StringComparison.Ordinal);
        Assert.Contains("Authentication-Results: upstream.example;", text, StringComparison.Ordinal);
        Assert.Contains("Authentication-Results: mx.test;", text, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_SpfStoredByEarlierStage_UsedForAlignment()
    {
        var spfPass = new SpfCheckResult(SpfResult.Pass, IPAddress.Loopback, "bounce@example.test", "client.example.net", "mailfrom", "example.test", "ip4:127.0.0.1", null, null);
        await using var server = await StartAsync(new DmarcOptions { Enforce = true }, before: new StoreSpfStage(spfPass));

        var reply = await SendAsync(server, "bounce@example.test", DkimTestData.ReadText("msg.eml"));

        Assert.StartsWith("250 2.0.0 Ok", reply);
        var header = AuthenticationResults(Assert.Single(server.Handler.Messages));
        Assert.Contains("spf=pass smtp.mailfrom=bounce@example.test;", header, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_Disabled_DkimOnlyNoVerdict()
    {
        await using var server = await StartAsync(new DmarcOptions { Enabled = false, Enforce = true });

        var reply = await SendAsync(server, "attacker@evil.example", DkimTestData.ReadText("msg.eml"));

        Assert.StartsWith("250 2.0.0 Ok", reply);
        Assert.DoesNotContain("dmarc=", AuthenticationResults(Assert.Single(server.Handler.Messages)), StringComparison.Ordinal);
    }

    private sealed class StoreSpfStage(SpfCheckResult result) : IMailStage
    {
        public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
        {
            context.Transaction.Properties.Set(result);
            return next(context);
        }
    }
}
