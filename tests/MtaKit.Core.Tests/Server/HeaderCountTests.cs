using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class HeaderCountTests
{
    private sealed class Counter(bool parseFirst) : IDataStage
    {
        public List<(int Received, int Subject, int ReceivedSpf, int Parsed)> Counts { get; } = [];

        public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
        {
            var parsed = parseFirst ? context.Headers.Count(h => h.Id == MimeKit.HeaderId.Received) : -1;
            Counts.Add((context.CountHeaders("Received"), context.CountHeaders("subject"), context.CountHeaders("Received-SPF"), parsed));
            return next(context);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CountHeaders_RawScanOrParsed_CountsFieldsNotContinuationsOrBody(bool parseFirst)
    {
        var counter = new Counter(parseFirst);
        await using var server = await TestServer.StartAsync(pipeline: new SmtpPipelineBuilder().Use(counter).Build());
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO client.test");
        await c.CommandAsync("MAIL FROM:<a@sender.test>");
        await c.CommandAsync("RCPT TO:<b@example.test>");
        await c.CommandAsync("DATA");
        await c.SendRawAsync(
            "Received: from a.test by b.test;\r\n Received: (a continuation, not a field)\r\n" +
            "received : from c.test by d.test; Sun, 29 Nov 2026 10:00:00 +0000\r\n" +
            "Received-SPF: pass\r\n" +
            "X-Received: no\r\n" +
            "RECEIVED: from e.test\r\n" +
            "Subject: count me\r\n\r\nReceived: in the body, not counted\r\n.\r\n");
        Assert.StartsWith("250 ", await c.ReadLastLineAsync());

        var counts = Assert.Single(counter.Counts);
        Assert.Equal(3, counts.Received);
        Assert.Equal(1, counts.Subject);
        Assert.Equal(1, counts.ReceivedSpf);
        Assert.Equal(parseFirst ? 3 : -1, counts.Parsed);
    }
}
