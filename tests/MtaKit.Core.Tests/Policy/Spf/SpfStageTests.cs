using MtaKit.Core.Tests.Server;

namespace MtaKit.Core.Tests.Policy.Spf;

public sealed class SpfStageTests
{
    private const string Zone = """
        example.test   TXT  "v=spf1 ip4:192.0.2.10 -all"
        soft.test      TXT  "v=spf1 ~all"
        temp.test      TIMEOUT
        perm.test      TXT  "v=spf1 foo:bar -all"
        client.test    TXT  "v=spf1 ip4:192.0.2.10 -all"
        """;

    private static Task<TestServer> StartAsync(SpfPolicyOptions? options = null)
        => PolicyServer.StartAsync(new SpfStage(new SpfEvaluator(new StaticZoneResolver(StaticZone.Parse(Zone))), options));

    private static async Task<(string Mail, TestServer Server)> MailAsync(SpfPolicyOptions? options, string client, string sender, bool deliver)
    {
        var server = await StartAsync(options);
        await using var c = await PolicyServer.OpenAsync(server, client);
        var reply = await c.CommandAsync($"MAIL FROM:<{sender}>");
        if (deliver && reply.StartsWith("250 ", StringComparison.Ordinal))
        {
            Assert.StartsWith("250 ", await c.CommandAsync("RCPT TO:<user@example.test>"), StringComparison.Ordinal);
            Assert.StartsWith("250 ", await PolicyServer.SendDataAsync(c, "Subject: hi\r\n\r\nbody\r\n"), StringComparison.Ordinal);
        }

        return (reply, server);
    }

    [Theory]
    [InlineData("192.0.2.99", "a@example.test", "550 5.7.23 SPF fail - not authorized")]
    [InlineData("192.0.2.99", "a@temp.test", "451 4.7.24 Temporary SPF error for temp.test, try again later")]
    public async Task OnMail_FailOrTempError_ExactReply(string client, string sender, string expected)
    {
        var (reply, server) = await MailAsync(null, client, sender, deliver: false);
        await server.DisposeAsync();

        Assert.Equal(expected, reply);
    }

    [Fact]
    public async Task OnMail_PermErrorRejected_550_5_7_24()
    {
        var (reply, server) = await MailAsync(new SpfPolicyOptions { PermErrorAction = SpfAction.Reject }, "192.0.2.10", "a@perm.test", deliver: false);
        await server.DisposeAsync();

        Assert.Equal("550 5.7.24 Invalid SPF record for perm.test", reply);
    }

    [Theory]
    [InlineData("192.0.2.10", "a@example.test", null, "Received-SPF: pass (mx.test: domain of a@example.test designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=\"a@example.test\"; helo=client.test; receiver=mx.test; identity=mailfrom; mechanism=\"ip4:192.0.2.10\"")]
    [InlineData("192.0.2.99", "a@example.test", SpfAction.Tag, "Received-SPF: fail (mx.test: domain of a@example.test does not designate 192.0.2.99 as permitted sender)")]
    [InlineData("192.0.2.99", "a@soft.test", null, "Received-SPF: softfail (mx.test: ")]
    [InlineData("192.0.2.10", "a@perm.test", null, "Received-SPF: permerror (mx.test: ")]
    [InlineData("192.0.2.10", "", null, "Received-SPF: pass (mx.test: domain of postmaster@client.test designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=\"postmaster@client.test\"; helo=client.test; receiver=mx.test; identity=helo;")]
    public async Task OnData_Accepted_ReceivedSpfPrepended(string client, string sender, SpfAction? failAction, string header)
    {
        var options = failAction is { } a ? new SpfPolicyOptions { FailAction = a } : null;
        var (reply, server) = await MailAsync(options, client, sender, deliver: true);
        await using var _ = server;

        Assert.StartsWith("250 ", reply, StringComparison.Ordinal);
        var text = Assert.Single(server.Handler.Messages).Text;
        Assert.Equal(header, text[text.IndexOf("Received-SPF:", StringComparison.Ordinal)..][..header.Length]);
        Assert.True(text.IndexOf("Received-SPF:", StringComparison.Ordinal) < text.IndexOf("Subject: hi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnData_FailActionNone_NoHeader()
    {
        var (reply, server) = await MailAsync(new SpfPolicyOptions { FailAction = SpfAction.None }, "192.0.2.99", "a@example.test", deliver: true);
        await using var _ = server;

        Assert.StartsWith("250 ", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("Received-SPF:", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnMail_TempErrorDeferOff_AcceptedWithHeader()
    {
        var (reply, server) = await MailAsync(new SpfPolicyOptions { DeferOnTempError = false }, "192.0.2.99", "a@temp.test", deliver: true);
        await using var _ = server;

        Assert.StartsWith("250 ", reply, StringComparison.Ordinal);
        Assert.Contains("Received-SPF: temperror (mx.test: ", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }
}
