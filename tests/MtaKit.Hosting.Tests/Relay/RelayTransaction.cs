using System.Net;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>One transaction over a raw socket, every reply kept: what a client sees of the relay.</summary>
internal sealed record RelayTransaction(string Mail, IReadOnlyList<string> Rcpts, string? Data)
{
    public static async Task<RelayTransaction> SendAsync(IPEndPoint relay, string from, IReadOnlyList<string> to, string message, TimeSpan? timeout = null)
    {
        await using var client = await RawSmtpClient.ConnectAsync(relay);
        client.Timeout = timeout ?? TimeSpan.FromSeconds(30);
        Assert.StartsWith("220", await client.ReadLastLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        var mail = await client.CommandAsync($"MAIL FROM:<{from}>");
        var rcpts = new List<string>();
        foreach (var r in to)
        {
            rcpts.Add(await client.CommandAsync($"RCPT TO:<{r}>"));
        }

        string? data = null;
        if (rcpts.Any(r => r.StartsWith("250", StringComparison.Ordinal)))
        {
            var go = await client.CommandAsync("DATA");
            Assert.StartsWith("354", go, StringComparison.Ordinal);
            var stuffed = (message.StartsWith('.') ? "." : string.Empty) + message.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
            await client.SendRawAsync(stuffed.EndsWith("\r\n", StringComparison.Ordinal) ? stuffed + ".\r\n" : stuffed + "\r\n.\r\n");
            data = await client.ReadLastLineAsync();
        }

        await client.SendAsync("QUIT");
        return new RelayTransaction(mail, rcpts, data);
    }

    public bool Accepted => Data?.StartsWith("250", StringComparison.Ordinal) == true;
}
