using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Hints;

/// <summary>A <see cref="TestServer"/> running one policy stage, and the client conversations its tests need.</summary>
internal static class PolicyStageServer
{
    public static Task<TestServer> StartAsync(object stage)
        => TestServer.StartAsync(pipeline: new SmtpPipelineBuilder().Use(stage).Build());

    /// <summary>Connects and says EHLO; returns the client.</summary>
    public static async Task<RawSmtpClient> ConnectAsync(TestServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.StartsWith("220", await client.ReadLastLineAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        return client;
    }

    /// <summary>One transaction up to RCPT on a new connection: returns the reply to RCPT (or to MAIL when MAIL was refused).</summary>
    public static async Task<string> RcptAsync(TestServer server, string sender, string recipient)
    {
        await using var client = await ConnectAsync(server);
        var mail = await client.CommandAsync($"MAIL FROM:<{sender}>");
        return mail.StartsWith("250", StringComparison.Ordinal) ? await client.CommandAsync($"RCPT TO:<{recipient}>") : mail;
    }
}
