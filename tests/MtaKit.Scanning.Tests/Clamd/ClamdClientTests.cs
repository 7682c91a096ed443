using System.Net;
using System.Text;
using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Clamd;

public sealed class ClamdClientTests
{
    private static ClamdClient CreateSut(EndPoint? endPoint = null, TimeSpan? readTimeout = null, long? maxStream = null, int chunkSize = 64 * 1024)
        => new(new ClamdClientOptions
        {
            EndPoint = endPoint ?? ServiceEnvironment.Require("CLAMD"),
            ReadTimeout = readTimeout ?? TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            MaxStreamLength = maxStream,
            ChunkSize = chunkSize,
        });

    [SkippableFact]
    public async Task ScanAsync_Eicar_IsInfectedWithEicarSignature()
    {
        var sut = CreateSut();

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.StartsWith("Eicar-Test-Signature", result.SignatureName, StringComparison.Ordinal);
        Assert.EndsWith(".UNOFFICIAL", result.SignatureName, StringComparison.Ordinal);
        Assert.Equal(sut.Name, result.Scanner);
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }

    [SkippableFact]
    public async Task ScanAsync_CustomSignatureAcrossChunks_IsInfected()
    {
        // 1 KiB chunks and the signature placed across a chunk boundary
        var sut = CreateSut(chunkSize: 1024);
        var body = new string('a', 1024 - 200) + " MTA-TEST-VIRUS-SIGNATURE " + new string('b', 3000);

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(body)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.Equal("Test.MTA.String-1.UNOFFICIAL", result.SignatureName);
    }

    [SkippableFact]
    public async Task ScanAsync_EicarAsBase64Attachment_IsInfected()
    {
        var sut = CreateSut();
        var mail = TestMessages.WithAttachment("eicar.com", "application/octet-stream", TestPatterns.Eicar.ToArray());

        var result = await sut.ScanAsync(TestMessages.Request(mail), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.StartsWith("Eicar-Test-Signature", result.SignatureName, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ScanAsync_CleanMessage_IsClean()
    {
        var result = await CreateSut().ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.Null(result.SignatureName);
    }

    [SkippableFact]
    public async Task ScanAsync_EmptyMessage_IsClean()
    {
        var result = await CreateSut().ScanAsync(new ScanRequest(new BytesContent([])), CancellationToken.None);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
    }

    [SkippableFact]
    public async Task ScanAsync_AboveClamdStreamMaxLength_IsTooLarge()
    {
        // start-clamd.sh sets StreamMaxLength 25M (CLAMD_STREAM_MAX); send 26 MiB
        var sut = CreateSut();
        var big = new byte[26 * 1024 * 1024];
        big.AsSpan().Fill((byte)'a');

        var result = await sut.ScanAsync(new ScanRequest(new BytesContent(big)), CancellationToken.None);

        Assert.Equal(ScanVerdict.TooLarge, result.Verdict);
        Assert.Contains("size limit exceeded", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_AboveConfiguredMaxStreamLength_IsTooLargeWithoutConnecting()
    {
        await using var server = new HangingServer();
        var sut = CreateSut(server.EndPoint, maxStream: 10);

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.TooLarge, result.Verdict);
        Assert.Equal(0, server.Accepted);
    }

    [SkippableFact]
    public async Task ScanAsync_OverUnixSocket_FindsEicar()
    {
        await using var relay = new UnixSocketRelay(ServiceEnvironment.Require("CLAMD"));
        var sut = new ClamdClient(new ClamdClientOptions { EndPoint = new System.Net.Sockets.UnixDomainSocketEndPoint(relay.Path) });

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.StartsWith("clamd:unix:", sut.Name, StringComparison.Ordinal);
        Assert.True(await sut.PingAsync());
    }

    [SkippableFact]
    public async Task ScanAsync_ManyConcurrentScans_EachGetsItsOwnVerdict()
    {
        var sut = CreateSut();
        var infected = TestMessages.Request(TestMessages.Mail(TestMessages.Eicar));
        var clean = TestMessages.Request(TestMessages.Clean);

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => sut.ScanAsync(i % 2 == 0 ? infected : clean, CancellationToken.None).AsTask()));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? ScanVerdict.Infected : ScanVerdict.Clean, results[i].Verdict);
        }
    }

    [SkippableFact]
    public async Task PingAsync_RunningClamd_ReturnsTrue()
        => Assert.True(await CreateSut().PingAsync());

    [SkippableFact]
    public async Task PingAsync_HostName_ResolvesAndConnects()
    {
        var port = ServiceEnvironment.Require("CLAMD").Port;

        Assert.True(await CreateSut(new DnsEndPoint("localhost", port)).PingAsync());
    }

    [Fact]
    public async Task PingAsync_ClosedPort_ReturnsFalse()
        => Assert.False(await CreateSut(new IPEndPoint(IPAddress.Loopback, FreePort.Next())).PingAsync());

    [SkippableFact]
    public async Task GetVersionAsync_RunningClamd_ReturnsClamAvVersion()
        => Assert.StartsWith("ClamAV ", await CreateSut().GetVersionAsync(), StringComparison.Ordinal);

    [Fact]
    public async Task ScanAsync_ClosedPort_IsTransientError()
    {
        var sut = CreateSut(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.True(result.IsTransient);
    }

    [Fact]
    public async Task ScanAsync_ServerNeverAnswers_TimesOutAsTransientError()
    {
        await using var server = new HangingServer();
        var sut = CreateSut(server.EndPoint, readTimeout: TimeSpan.FromMilliseconds(300));

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.True(result.IsTransient);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
        Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ScanAsync_CallerCancels_Throws()
    {
        await using var server = new HangingServer();
        var sut = CreateSut(server.EndPoint);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), cts.Token));
    }

    [Fact]
    public void Constructor_ChunkSizeTooSmall_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CreateSut(new IPEndPoint(IPAddress.Loopback, 1), chunkSize: 10));

    [Fact]
    public void Name_Default_IsClamdAndAddress()
        => Assert.Equal("clamd:127.0.0.1:3310", CreateSut(new IPEndPoint(IPAddress.Loopback, 3310)).Name);

    [Fact]
    public void TestPatterns_Eicar_Is68BytesStartingWithX5O()
    {
        Assert.Equal(68, TestPatterns.Eicar.Length);
        Assert.StartsWith("X5O!P%@AP", Encoding.ASCII.GetString(TestPatterns.Eicar), StringComparison.Ordinal);
    }
}
