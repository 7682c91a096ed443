using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>Opens raw sessions on a test server.</summary>
internal static class Session
{
    /// <summary>Connects, checks the 220 greeting and sends EHLO.</summary>
    public static async Task<RawSmtpClient> OpenAsync(TestServer server, bool ehlo = true)
    {
        var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        if (ehlo)
        {
            await c.SendAsync("EHLO client.test");
            Assert.StartsWith("250 ", await c.ReadLastLineAsync());
        }

        return c;
    }

    /// <summary>Waits (polling, bounded) until <paramref name="condition"/> holds; false on timeout.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, int milliseconds = 5000)
    {
        var until = Environment.TickCount64 + milliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > until)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
