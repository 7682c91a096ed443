using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class HeaderRemovalTests
{
    private sealed class Sanitiser : IDataStage
    {
        public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
        {
            context.RemoveHeaders("X-Spam-Status");
            context.RemoveHeaders("Authentication-Results", v => v.StartsWith("mx.test", StringComparison.OrdinalIgnoreCase));
            context.AddHeader("Authentication-Results", "mx.test; spf=pass");
            return next(context);
        }
    }

    [Fact]
    public async Task RemoveHeaders_ForgedFieldsDropped_OthersAndBodyKept()
    {
        await using var server = await TestServer.StartAsync(pipeline: new SmtpPipelineBuilder().Use(new Sanitiser()).Build());
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO client.test");
        await c.CommandAsync("MAIL FROM:<a@sender.test>");
        await c.CommandAsync("RCPT TO:<b@example.test>");
        await c.CommandAsync("DATA");
        await c.SendRawAsync(
            "X-Spam-Status: No, forged\r\n" +
            "Authentication-Results: MX.TEST; dkim=pass\r\n  (folded forged line)\r\n" +
            "Authentication-Results: other.example; spf=fail\r\n" +
            "Subject: keep\r\n\r\nX-Spam-Status: body text stays\r\n.\r\n");
        Assert.StartsWith("250 ", await c.ReadLastLineAsync());
        var m = Assert.Single(server.Handler.Messages);
        var expectedTail = "Authentication-Results: mx.test; spf=pass\r\nAuthentication-Results: other.example; spf=fail\r\nSubject: keep\r\n\r\nX-Spam-Status: body text stays\r\n";
        Assert.EndsWith(expectedTail, m.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", m.Text, StringComparison.Ordinal);
        Assert.Equal(m.Bytes.Length, m.Text.Length);
    }
}
