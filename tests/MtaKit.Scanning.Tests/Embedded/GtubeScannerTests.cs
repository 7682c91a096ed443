using System.Text;
using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Embedded;

public sealed class GtubeScannerTests
{
    [Fact]
    public async Task ScanAsync_Gtube_IsSpamScoring1000()
    {
        var result = await new GtubeScanner(requiredScore: 6).ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
        Assert.Equal(1000, result.Spam!.Score);
        Assert.Equal(6, result.Spam.RequiredScore);
        Assert.Equal([new SpamSymbol("GTUBE", 1000)], result.Spam.Symbols);
    }

    [Fact]
    public async Task ScanAsync_GtubeInBase64TextPart_IsSpam()
    {
        var mail = TestMessages.WithAttachment("note.txt", "text/plain", Encoding.ASCII.GetBytes(TestMessages.Gtube));

        var result = await new GtubeScanner().ScanAsync(TestMessages.Request(mail), CancellationToken.None);

        Assert.Equal(ScanVerdict.Spam, result.Verdict);
    }

    [Fact]
    public async Task ScanAsync_CleanMessage_IsCleanScoringZero()
    {
        var result = await new GtubeScanner().ScanAsync(TestMessages.Request(TestMessages.Clean), CancellationToken.None);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
        Assert.Equal(0, result.Spam!.Score);
        Assert.False(result.Spam.IsSpam);
    }
}
