using MtaKit.Core.Tests.Server;

namespace MtaKit.Core.Tests.Policy.HeaderSanitising;

public sealed class HeaderSanitisingStageTests
{
    private const string Message =
        "Authentication-Results: mx.test; spf=pass smtp.mailfrom=a@bank.test\r\n" +
        "Authentication-Results: other.test; dkim=pass header.d=other.test\r\n" +
        "Authentication-Results: (forged)\r\n MX.TEST 1;\r\n dkim=pass\r\n" +
        "Received-SPF: pass (forged)\r\n" +
        "X-Spam-Status: No, score=-10\r\n" +
        "x-spam-flag: NO\r\n" +
        "X-Virus-Scanned: clean\r\n" +
        "Subject: hi\r\n" +
        "\r\n" +
        "body\r\n";

    private static async Task<string> DeliverAsync(params object[] stages)
    {
        await using var server = await PolicyServer.StartAsync(stages);
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@bank.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await PolicyServer.SendDataAsync(c, Message), StringComparison.Ordinal);
        return Assert.Single(server.Handler.Messages).Original;
    }

    [Fact]
    public async Task OnData_ForgedTrustHeaders_RemovedOthersKept()
    {
        var delivered = await DeliverAsync(new HeaderSanitisingStage());

        Assert.Equal(
            "Authentication-Results: other.test; dkim=pass header.d=other.test\r\n" +
            "X-Virus-Scanned: clean\r\n" +
            "Subject: hi\r\n" +
            "\r\n" +
            "body\r\n",
            delivered);
    }

    [Fact]
    public async Task OnData_ConfiguredIdAndPrefix_Removed()
    {
        var delivered = await DeliverAsync(new HeaderSanitisingStage(new HeaderSanitisingOptions { AuthServId = "other.test", RemoveSpamHeaders = false, RemoveHeaders = ["X-Virus-*"] }));

        Assert.DoesNotContain("other.test;", delivered, StringComparison.Ordinal);
        Assert.Contains("Authentication-Results: mx.test; spf=pass", delivered, StringComparison.Ordinal);
        Assert.Contains("X-Spam-Status: No", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Virus-Scanned", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("Received-SPF", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnData_BeforeSpfStage_ForgedRemovedOursKept()
    {
        var spf = new SpfStage(new SpfEvaluator(new StaticZoneResolver(StaticZone.Parse("bank.test TXT \"v=spf1 -all\""))), new SpfPolicyOptions { FailAction = SpfAction.Tag });
        await using var server = await PolicyServer.StartAsync(new HeaderSanitisingStage(), spf);
        await using var c = await PolicyServer.OpenAsync(server, "192.0.2.10");
        Assert.StartsWith("250 ", await c.CommandAsync("MAIL FROM:<a@bank.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await PolicyServer.SendDataAsync(c, Message), StringComparison.Ordinal);

        var text = Assert.Single(server.Handler.Messages).Text;
        Assert.Contains("Received-SPF: fail (mx.test:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Received-SPF: pass (forged)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mx.test; spf=pass", true)]
    [InlineData(" mx.test 1 ; dkim=pass", true)]
    [InlineData("(comment (nested)) MX.test.; none", true)]
    [InlineData("mx.test.example; spf=pass", false)]
    [InlineData("other.test; x=mx.test", false)]
    [InlineData("", false)]
    public void IsOurs_AuthServIdForms(string value, bool expected)
        => Assert.Equal(expected, HeaderSanitisingStage.IsOurs(value, "mx.test"));
}
