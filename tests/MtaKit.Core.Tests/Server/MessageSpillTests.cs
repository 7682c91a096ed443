using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class MessageSpillTests
{
    [Fact]
    public async Task LargeMessage_SpillsToTempFile_DeletedAfterwards()
    {
        var temp = Path.Combine(Path.GetTempPath(), "mtakit-spill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var filesDuringDelivery = -1;
            var handler = new CollectingHandler();
            handler.BeforeDeliver = _ =>
            {
                filesDuringDelivery = Directory.GetFiles(temp).Length;
                return ValueTask.CompletedTask;
            };
            await using var server = await TestServer.StartAsync(
                l => l with { Limits = new SmtpLimits { MemoryBufferThreshold = 64 * 1024 } },
                o => o with { TempDirectory = temp },
                handler: handler);
            await using var c = await Session.OpenAsync(server);
            await c.SendRawAsync("MAIL FROM:<a@sender.test> SIZE=21000000\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
            await c.ReadReplyAsync();
            await c.ReadReplyAsync();
            Assert.StartsWith("354 ", await c.ReadLastLineAsync());
            var line = System.Text.Encoding.ASCII.GetBytes(new string('m', 998) + "\r\n");
            var block = new byte[line.Length * 100];
            for (var i = 0; i < 100; i++)
            {
                line.CopyTo(block, i * line.Length);
            }

            for (var i = 0; i < 200; i++)
            {
                await c.SendRawAsync(block); // 200 x 100 x 1000 bytes = 20 MB
            }

            await c.SendRawAsync(".\r\n");
            c.Timeout = TimeSpan.FromSeconds(60);
            Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
            var m = Assert.Single(server.Handler.Messages);
            Assert.Equal(20_000_000, m.Original.Length);
            Assert.Equal(1, filesDuringDelivery);
            Assert.Empty(Directory.GetFiles(temp));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task LargeBdatMessage_AbortedMidway_TempFileDeleted()
    {
        var temp = Path.Combine(Path.GetTempPath(), "mtakit-spill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            await using var server = await TestServer.StartAsync(
                l => l with { Limits = new SmtpLimits { MemoryBufferThreshold = 4096 } },
                o => o with { TempDirectory = temp });
            var c = await Session.OpenAsync(server);
            await c.SendRawAsync("MAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 10000\r\n" + new string('q', 10000));
            await c.ReadReplyAsync();
            await c.ReadReplyAsync();
            Assert.Equal("250 2.0.0 10000 bytes received", await c.ReadLastLineAsync());
            Assert.Single(Directory.GetFiles(temp));
            await c.DisposeAsync();
            Assert.True(await Session.EventuallyAsync(() => Directory.GetFiles(temp).Length == 0 && server.Handler.OpenTransactions == 0));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
