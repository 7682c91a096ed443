using System.Net;
using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Spamd;

public sealed class SpamdClientTests
{
    private static SpamdClient CreateSut(SpamdCommand command = SpamdCommand.Symbols, EndPoint? endPoint = null, long maxSize = 500 * 1024, string? user = null, TimeSpan? readTimeout = null)
        => new(new SpamdClientOptions
        {
            EndPoint = endPoint ?? ServiceEnvironment.Require("SPAMD"),
            Command = command,
            MaxMessageSize = maxSize,
            User = user,
            ReadTimeout = readTimeout ?? TimeSpan.FromSeconds(30),
        });

    private static ScanRequest Gtube() => TestMessages.Request(TestMessages.Mail(TestMessages.Gtube));

    [SkippableTheory]
    [InlineData(SpamdCommand.Check)]
    [InlineData(SpamdCommand.Symbols)]
    [InlineData(SpamdCommand.Report)]
    [InlineData(SpamdCommand.Headers)]
    public async Task ScanAsync_Gtube_IsSpamScoringAtLeast1000(SpamdCommand command)
    {
        var sut = CreateSut(command);

        var result = await sut.ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.True(result.Spam!.IsSpam);
        Assert.True(result.Spam.Score >= 1000, $"score {result.Spam.Score}");
        Assert.Equal(5.0, result.Spam.RequiredScore);
        Assert.Equal(sut.Name, result.Scanner);
        if (command != SpamdCommand.Check)
        {
            Assert.Contains(result.Spam.Symbols, s => s.Name == "GTUBE");
        }
    }

    [SkippableFact]
    public async Task ScanAsync_Report_GivesGtubeRuleScore()
    {
        var result = await CreateSut(SpamdCommand.Report).ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(1000, result.Spam!.Symbols.Single(s => s.Name == "GTUBE").Score);
        Assert.Contains("Content analysis details", result.Spam.Report, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ScanAsync_Headers_GivesSpamFlagHeaderEdit()
    {
        var result = await CreateSut(SpamdCommand.Headers).ScanAsync(Gtube(), CancellationToken.None);

        Assert.Contains(new HeaderEdit(HeaderEditKind.Add, "X-Spam-Flag", "YES"), result.Spam!.HeaderEdits);
        Assert.Contains(result.Spam.HeaderEdits, h => h.Name == "X-Spam-Status" && h.Value!.StartsWith("Yes, score=", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task ScanAsync_CleanMessage_IsCleanBelowThreshold()
    {
        var result = await CreateSut().ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.False(result.Spam!.IsSpam);
        Assert.True(result.Spam.Score < 5.0);
    }

    [SkippableFact]
    public async Task ScanAsync_WithUserHeader_IsAccepted()
    {
        var result = await CreateSut(user: "bob").ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
    }

    [SkippableFact]
    public async Task ScanAsync_CreatesNoBayesDatabase()
    {
        // start-spamd.sh runs with --cf='use_bayes 0' --cf='bayes_auto_learn 0' and -H $SPAMD_DIR/home
        var dir = ServiceEnvironment.RequireValue("SPAMD_DIR");
        var sut = CreateSut();

        await sut.ScanAsync(Gtube(), CancellationToken.None);
        await sut.ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        string[] homes = [Path.Combine(dir, "home"), "/var/lib/spamassassin", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)];
        var bayes = homes.Where(Directory.Exists)
            .SelectMany(h => Directory.EnumerateFiles(h, "bayes_*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 3 }))
            .ToList();
        Assert.Empty(bayes);
    }

    [Fact]
    public async Task ScanAsync_AboveMaxMessageSize_IsSkippedWithoutConnecting()
    {
        await using var server = new HangingServer();
        var sut = CreateSut(endPoint: server.EndPoint, maxSize: 100);

        var result = await sut.ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(ScanVerdict.Skipped, result.Verdict);
        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public async Task ScanAsync_ServerNeverAnswers_TimesOut()
    {
        await using var server = new HangingServer();
        var sut = CreateSut(endPoint: server.EndPoint, readTimeout: TimeSpan.FromMilliseconds(300));

        var result = await sut.ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(ScanVerdict.Error, result.Verdict);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ScanAsync_OverUnixSocket_FindsGtube()
    {
        await using var relay = new UnixSocketRelay(ServiceEnvironment.Require("SPAMD"));
        var sut = CreateSut(endPoint: new System.Net.Sockets.UnixDomainSocketEndPoint(relay.Path));

        var result = await sut.ScanAsync(Gtube(), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.StartsWith("spamd:unix:", result.Scanner, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PingAsync_RunningSpamd_ReturnsTrue()
        => Assert.True(await CreateSut().PingAsync());

    [Fact]
    public async Task PingAsync_ClosedPort_ReturnsFalse()
        => Assert.False(await CreateSut(endPoint: new IPEndPoint(IPAddress.Loopback, FreePort.Next())).PingAsync());

    [Fact]
    public void Constructor_MultiLineUser_Throws()
        => Assert.Throws<ArgumentException>(() => CreateSut(endPoint: new IPEndPoint(IPAddress.Loopback, 1), user: "a\r\nb"));
}
