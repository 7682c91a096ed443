using System.Net;
using System.Text;
using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Rspamd;

public sealed class RspamdClientTests
{
    private static RspamdClient CreateSut(Uri? url = null, long maxSize = 20 * 1024 * 1024, TimeSpan? readTimeout = null)
    {
        if (url is null)
        {
            var endPoint = ServiceEnvironment.Require("RSPAMD");
            url = new Uri($"http://{endPoint}");
        }

        return new(new RspamdClientOptions { Url = url, MaxMessageSize = maxSize, ReadTimeout = readTimeout ?? TimeSpan.FromSeconds(30) });
    }

    [SkippableFact]
    public async Task ScanAsync_Gtube_IsSpamWithRejectAction()
    {
        var sut = CreateSut();

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.Equal("reject", result.Spam!.Action);
        Assert.Contains(result.Spam.Symbols, s => s.Name == "GTUBE");
        Assert.Equal("Gtube pattern", result.Spam.SmtpMessage);
        Assert.Equal(sut.Name, result.Scanner);
    }

    [SkippableFact]
    public async Task ScanAsync_CleanMessage_IsCleanWithNoAction()
    {
        var result = await CreateSut().ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.Equal("no action", result.Spam!.Action);
        Assert.True(result.Spam.Score < result.Spam.RequiredScore);
        Assert.NotEmpty(result.Spam.Symbols);
    }

    [SkippableFact]
    public async Task ScanAsync_EnvelopeFrom_ReachesRspamd()
    {
        var sut = CreateSut();
        var same = TestMessages.Request(TestMessages.Clean);
        var other = new ScanRequest(same.Message) { ClientAddress = IPAddress.Loopback, ReversePath = "someone@elsewhere.test", Recipients = ["bob@example.test"] };

        var a = await sut.ScanAsync(same, CancellationToken.None);
        var b = await sut.ScanAsync(other, CancellationToken.None);

        Assert.Contains(a.Spam!.Symbols, s => s.Name == "FROM_EQ_ENVFROM");
        Assert.DoesNotContain(b.Spam!.Symbols, s => s.Name == "FROM_EQ_ENVFROM");
    }

    [SkippableFact]
    public async Task ScanAsync_EveryRecipient_ReachesRspamd()
    {
        // To: bob; the envelope matches "all" only when rspamd saw bob among several Rcpt headers
        var sut = CreateSut();
        var message = BytesContent.FromText(TestMessages.Clean);
        var both = new ScanRequest(message) { ClientAddress = IPAddress.Loopback, ReversePath = "alice@example.test", Recipients = ["carol@example.test", "bob@example.test"] };
        var carolOnly = new ScanRequest(message) { ClientAddress = IPAddress.Loopback, ReversePath = "alice@example.test", Recipients = ["carol@example.test"] };

        var a = await sut.ScanAsync(both, CancellationToken.None);
        var b = await sut.ScanAsync(carolOnly, CancellationToken.None);

        Assert.Contains(a.Spam!.Symbols, s => s.Name == "TO_MATCH_ENVRCPT_ALL");
        Assert.DoesNotContain(b.Spam!.Symbols, s => s.Name == "TO_MATCH_ENVRCPT_ALL");
    }

    [SkippableFact]
    public async Task ScanAsync_OverUnixSocket_FindsGtube()
    {
        await using var relay = new UnixSocketRelay(ServiceEnvironment.Require("RSPAMD"));
        var sut = CreateSut(new Uri("unix:" + relay.Path));

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.StartsWith("rspamd:unix:", result.Scanner, StringComparison.Ordinal);
        Assert.True(await sut.PingAsync());
    }

    [SkippableFact]
    public async Task PingAsync_RunningRspamd_ReturnsTrue()
        => Assert.True(await CreateSut().PingAsync());

    [Fact]
    public async Task ScanAsync_ClosedPort_IsTransientError()
    {
        var result = await CreateSut(new Uri($"http://127.0.0.1:{FreePort.Next()}")).ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.True(result.IsTransient);
    }

    [Fact]
    public async Task ScanAsync_AboveMaxMessageSize_IsSkipped()
    {
        await using var server = new HangingServer();

        var result = await CreateSut(new Uri($"http://{server.EndPoint}"), maxSize: 10).ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Skipped, result.Verdict);
        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public void BuildRequestHead_Envelope_OneRcptLinePerRecipientAndNoInjectedLines()
    {
        var sut = CreateSut(new Uri("http://127.0.0.1:11333"));
        var request = new ScanRequest(BytesContent.FromText("x"))
        {
            ClientAddress = IPAddress.Parse("192.0.2.10"),
            Helo = "evil\r\nX-Injected: 1",
            ReversePath = "",
            Recipients = ["a@example.test", "b@example.test"],
            QueueId = "Q1",
            AuthenticatedUser = "alice",
        };

        var head = Encoding.UTF8.GetString(sut.BuildRequestHead(request, 1));

        Assert.StartsWith("POST /checkv2 HTTP/1.1\r\nHost: 127.0.0.1:11333\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nIP: 192.0.2.10\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nFrom: <>\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nRcpt: a@example.test\r\nRcpt: b@example.test\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nQueue-Id: Q1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nUser: alice\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Injected", head, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:11333")]
    [InlineData("ftp://127.0.0.1")]
    public void Constructor_UnsupportedScheme_Throws(string url)
        => Assert.Throws<ArgumentException>(() => CreateSut(new Uri(url)));
}
