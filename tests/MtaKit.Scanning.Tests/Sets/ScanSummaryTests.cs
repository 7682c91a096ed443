namespace MtaKit.Scanning.Tests.Sets;

public sealed class ScanSummaryTests
{
    private static readonly TimeSpan T = TimeSpan.FromMilliseconds(1);

    private static ScanSummary Decide(ScanFailPolicy policy, params ScanResult[] results) => new(results, new SpamOptions(), policy);

    private static ScanSummary Decide(params ScanResult[] results) => Decide(ScanFailPolicy.Defer, results);

    private static SpamReport Spam(double score, string? action = null, string? message = null)
        => new() { Score = score, RequiredScore = 5, IsSpam = score >= 5, Action = action, SmtpMessage = message };

    [Fact]
    public void Decide_AllClean_AcceptsWithoutReply()
    {
        var summary = Decide(ScanResult.Clean("clamd", T), ScanResult.Clean("spamd", T, Spam(1.2)));

        Assert.Equal(ScanAction.Accept, summary.Action);
        Assert.Null(summary.Reply);
        Assert.Null(summary.Deciding);
        Assert.Equal(1.2, summary.SpamScore);
        Assert.False(summary.Unscanned);
    }

    [Fact]
    public void Decide_Infected_Rejects550WithSignature()
    {
        var summary = Decide(ScanResult.Clean("spamd", T, Spam(0)), ScanResult.Infected("clamd", T, "Eicar-Test-Signature"));

        Assert.Equal(ScanAction.Reject, summary.Action);
        Assert.Equal("550 5.7.1 Message rejected: virus found (Eicar-Test-Signature)", summary.Reply!.ToString().TrimEnd());
        Assert.Equal("clamd", summary.Deciding!.Scanner);
    }

    [Fact]
    public void Decide_InfectedWhileAnotherKindIsUnavailable_StillRejects()
        => Assert.Equal(ScanAction.Reject, Decide(ScanResult.Unavailable("spamd", T, "down"), ScanResult.Infected("clamd", T, "X")).Action);

    [Fact]
    public void Decide_Blocked_Rejects()
    {
        var summary = Decide(ScanResult.Blocked("embedded:attachments", T, "attachment 'a.exe': file type .exe is not accepted"));

        Assert.Equal(554, summary.Reply!.Code);
        Assert.Contains("a.exe", summary.Reply.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SpamAtRejectScore_Rejects550()
    {
        var summary = Decide(ScanResult.SpamFound("spamd", T, Spam(1000)));

        Assert.Equal(ScanAction.Reject, summary.Action);
        Assert.Equal(550, summary.Reply!.Code);
        Assert.Contains("score 1000.0", summary.Reply.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RspamdRejectAction_RejectsWithItsMessage()
    {
        var summary = Decide(ScanResult.SpamFound("rspamd", T, Spam(9, "reject", "Gtube pattern")));

        Assert.Equal("550 5.7.1 Gtube pattern", summary.Reply!.ToString().TrimEnd());
    }

    [Fact]
    public void Decide_SpamBetweenTagAndReject_Tags()
    {
        var summary = Decide(ScanResult.SpamFound("spamd", T, Spam(7)));

        Assert.Equal(ScanAction.Tag, summary.Action);
        Assert.Null(summary.Reply);
    }

    [Fact]
    public void Decide_UnavailableUnderDefer_Defers451()
    {
        var summary = Decide(ScanResult.Clean("spamd", T, Spam(0)), ScanResult.Unavailable("clamd", T, "all down"));

        Assert.Equal(ScanAction.Defer, summary.Action);
        Assert.Equal("451 4.7.1 Message could not be scanned now, try again later", summary.Reply!.ToString().TrimEnd());
        Assert.False(summary.Unscanned);
    }

    [Fact]
    public void Decide_UnavailableUnderAccept_AcceptsUnscanned()
    {
        var summary = Decide(ScanFailPolicy.Accept, ScanResult.Unavailable("clamd", T, "all down"));

        Assert.Equal(ScanAction.Accept, summary.Action);
        Assert.True(summary.Unscanned);
        Assert.Null(summary.Reply);
    }

    [Fact]
    public void Decide_Greylist_Defers()
        => Assert.Equal(ScanAction.Defer, Decide(ScanResult.Clean("rspamd", T, Spam(2, "soft reject"))).Action);

    [Fact]
    public void HeaderEdits_FromEverySpamReport()
    {
        var report = new SpamReport { Score = 1, RequiredScore = 15, IsSpam = false, HeaderEdits = [new HeaderEdit(HeaderEditKind.Remove, "X-Spam")] };

        Assert.Equal([new HeaderEdit(HeaderEditKind.Remove, "X-Spam")], Decide(ScanResult.Clean("rspamd", T, report)).HeaderEdits);
    }
}
