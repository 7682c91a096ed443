using System.Net;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Policy;

/// <summary>
/// A real in-process server (mx.test) behind a trusted PROXY listener, so a test chooses the client address
/// with a PROXY v1 line: <c>PROXY TCP4 &lt;client&gt; 192.0.2.1 1234 25</c>.
/// </summary>
internal static class PolicyServer
{
    public const string LocalAddress = "192.0.2.1";

    public static Task<TestServer> StartAsync(params object[] stages)
        => TestServer.StartAsync(
            listener: l => l with { ProxyProtocol = true, TrustedProxies = [IPNetwork.Parse("127.0.0.0/8")] },
            pipeline: TestStage.Pipeline(stages));

    /// <summary>Connects as <paramref name="client"/>; the greeting is not read yet.</summary>
    public static async Task<RawSmtpClient> ConnectAsync(TestServer server, string client)
    {
        var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync($"PROXY TCP4 {client} {LocalAddress} 1234 25\r\n");
        return c;
    }

    /// <summary>Connects as <paramref name="client"/>, expects 220 and says EHLO.</summary>
    public static async Task<RawSmtpClient> OpenAsync(TestServer server, string client, string ehlo = "client.test")
    {
        var c = await ConnectAsync(server, client);
        Assert.StartsWith("220 ", await c.ReadLastLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await c.CommandAsync("EHLO " + ehlo), StringComparison.Ordinal);
        return c;
    }

    /// <summary>Sends a whole message through DATA and returns the final reply.</summary>
    public static async Task<string> SendDataAsync(RawSmtpClient c, string message)
    {
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        await c.SendRawAsync(message + ".\r\n");
        return await c.ReadLastLineAsync();
    }
}
