using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class ConcurrencyAndBinaryTests
{
    [Fact]
    public async Task ManyClientsInParallel_AllDeliveredWithUniqueIds()
    {
        await using var server = await TestServer.StartAsync();
        const int clients = 16;
        const int perClient = 5;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await using var c = await Session.OpenAsync(server);
            for (var j = 0; j < perClient; j++)
            {
                await c.SendRawAsync($"MAIL FROM:<c{i}@sender.test>\r\nRCPT TO:<m{j}@example.test>\r\nDATA\r\n");
                Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
                Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
                Assert.StartsWith("354 ", await c.ReadLastLineAsync());
                Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.CommandAsync($"Subject: {i}/{j}\r\n\r\nbody {i}/{j}\r\n."));
            }

            Assert.Equal("221 2.0.0 Bye", await c.CommandAsync("QUIT"));
        }));

        Assert.Equal(clients * perClient, server.Handler.Messages.Count);
        Assert.Equal(clients * perClient, server.Handler.Messages.Select(m => m.QueueId).Distinct().Count());
        foreach (var m in server.Handler.Messages)
        {
            var tag = m.Sender[1..m.Sender.IndexOf('@', StringComparison.Ordinal)] + "/" + m.Recipients[0][1..m.Recipients[0].IndexOf('@', StringComparison.Ordinal)];
            Assert.Equal($"Subject: {tag}\r\n\r\nbody {tag}\r\n", m.Original);
        }

        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0 && server.Server.ActiveConnections == 0));
    }

    [Fact]
    public async Task Data_EightBitAndNulBytes_StoredByteExact()
    {
        var body = new List<byte>("Subject: bytes\r\n\r\n"u8.ToArray());
        for (var b = 0; b < 256; b++)
        {
            if (b is not ('\r' or '\n'))
            {
                body.Add((byte)b);
            }
        }

        body.AddRange("\r\n"u8.ToArray());
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test> BODY=8BITMIME\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        await c.SendRawAsync([.. body, .. ".\r\n"u8.ToArray()]);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        var bytes = Assert.Single(server.Handler.Messages).Bytes;
        Assert.Equal(body.ToArray(), bytes[^body.Count..]);
    }

    [Fact]
    public async Task Bdat_BinaryWithEndMarkersInside_StoredByteExact()
    {
        var chunk1 = "Subject: b\r\n\r\n\r\n.\r\n\0\n.\n\r"u8.ToArray();
        var chunk2 = new byte[70_000];
        new Random(7).NextBytes(chunk2);
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync([.. Encoding.ASCII.GetBytes($"MAIL FROM:<a@sender.test> BODY=BINARYMIME\r\nRCPT TO:<b@example.test>\r\nBDAT {chunk1.Length}\r\n"), .. chunk1]);
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.Equal($"250 2.0.0 {chunk1.Length} bytes received", await c.ReadLastLineAsync());
        await c.SendRawAsync([.. Encoding.ASCII.GetBytes($"BDAT {chunk2.Length} LAST\r\n"), .. chunk2]);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        byte[] expected = [.. chunk1, .. chunk2];
        var bytes = Assert.Single(server.Handler.Messages).Bytes;
        Assert.Equal(expected, bytes[^expected.Length..]);
    }
}
