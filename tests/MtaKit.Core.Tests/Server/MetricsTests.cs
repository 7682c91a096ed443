using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class MetricsTests
{
    [Fact]
    public async Task Engine_PublishesConnectionAndTransactionMetrics()
    {
        var seen = new ConcurrentBag<(string Name, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MtaKit" && instrument.Name.StartsWith("mtakit.smtp.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        await using (var server = await TestServer.StartAsync())
        {
            await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            await c.CommandAsync("MAIL FROM:<a@sender.test>");
            Assert.StartsWith("550 5.7.1", await c.CommandAsync("RCPT TO:<x@elsewhere.test>"));
            await c.CommandAsync("RCPT TO:<b@example.test>");
            await c.CommandAsync("DATA");
            await c.SendRawAsync("Subject: m\r\n\r\nbody\r\n.\r\n");
            Assert.StartsWith("250 ", await c.ReadLastLineAsync());
            await c.CommandAsync("QUIT");
        }

        Assert.Contains(seen, m => m.Name == "mtakit.smtp.connections" && m.Tags.Contains("outcome=accepted", StringComparison.Ordinal));
        Assert.Contains(seen, m => m.Name == "mtakit.smtp.active_connections" && m.Value == 1);
        Assert.Contains(seen, m => m.Name == "mtakit.smtp.transactions" && m.Tags.Contains("verdict=Accept", StringComparison.Ordinal));
        Assert.Contains(seen, m => m.Name == "mtakit.smtp.rejections" && m.Tags.Contains("phase=rcpt", StringComparison.Ordinal) && m.Tags.Contains("code=550", StringComparison.Ordinal));
        Assert.Contains(seen, m => m.Name == "mtakit.smtp.message_size" && m.Value > 10);
    }
}
