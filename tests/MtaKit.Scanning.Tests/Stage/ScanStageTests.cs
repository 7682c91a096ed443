using MtaKit.Scanning.Tests.Support;

namespace MtaKit.Scanning.Tests.Stage;

/// <summary>
/// The stage's decisions through a real in-process server, with scanner doubles that return fixed
/// results (the real daemons are in <see cref="ScanStageServiceTests"/>).
/// </summary>
public sealed class ScanStageTests
{
    private static readonly TimeSpan T = TimeSpan.FromMilliseconds(3);

    private static SpamReport Report(double score, string? action = null, params string[] symbols)
        => Report(score, action, null, [], symbols);

    private static SpamReport Report(double score, string? action, string? smtpMessage, IReadOnlyList<HeaderEdit> edits, params string[] symbols) => new()
    {
        Score = score,
        RequiredScore = 5,
        IsSpam = score >= 5,
        Action = action,
        SmtpMessage = smtpMessage,
        HeaderEdits = edits,
        Symbols = [.. symbols.Select(s => new SpamSymbol(s, 1.0))],
    };

    private static IScanner Fixed(ScanResult result) => new StubScanner(result.Scanner, (_, _) => ValueTask.FromResult(result));

    private static Task<ScanStageHost> StartAsync(ScanningOptions options, IScanner[] scanners, params object[] more)
    {
        var set = new ScannerSet(scanners, options.Spam, options.FailPolicy);
        return ScanStageHost.StartAsync(false, [ScanningStage.Create(set, options), .. more]);
    }

    private static Task<ScanStageHost> StartAsync(params ScanResult[] results)
        => StartAsync(new ScanningOptions(), [.. results.Select(Fixed)]);

    private static string Message(string subject = "test") => TestMessages.Mail("Hello Bob,\nsee you at ten.\nAlice", subject).ReplaceLineEndings("\r\n");

    [Fact]
    public async Task OnDataAsync_Virus_Rejects550WithSignatureAndDeliversNothing()
    {
        await using var host = await StartAsync(ScanResult.Clean("spamd:a", T, Report(0.1)), ScanResult.Infected("clamd:a", T, "Win.Test.EICAR_HDB-1"));

        var reply = await host.SendAsync(Message());

        Assert.Equal("550 5.7.1 Message rejected: virus found (Win.Test.EICAR_HDB-1)", reply);
        Assert.Equal(0, host.FileCount);
    }

    [Fact]
    public async Task OnDataAsync_SpamAtRejectScore_Rejects550()
    {
        await using var host = await StartAsync(ScanResult.SpamFound("spamd:a", T, Report(16)));

        Assert.Equal("550 5.7.1 Message rejected as spam (score 16.0)", await host.SendAsync(Message()));
        Assert.Empty(host.Delivered());
    }

    [Fact]
    public async Task OnDataAsync_BlockedAttachment_Rejects554()
    {
        await using var host = await StartAsync(ScanResult.Blocked("embedded:attachments", T, "attachment 'a.exe': file type .exe is not accepted"));

        Assert.StartsWith("554 5.7.1 Message rejected: attachment 'a.exe'", await host.SendAsync(Message()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_CleanWithSpamReport_PrependsXSpamHeadersAndKeepsOriginalBytes()
    {
        await using var host = await StartAsync(ScanResult.Clean("spamd:a", T, Report(1.24, null, "MISSING_MID", "HTML_MESSAGE")));
        var message = Message();

        Assert.StartsWith("250 ", await host.SendAsync(message), StringComparison.Ordinal);

        var delivered = Assert.Single(host.Delivered());
        Assert.EndsWith(message, delivered, StringComparison.Ordinal); // original bytes untouched: DKIM survives
        var added = delivered[..^message.Length];
        Assert.Contains("X-Spam-Flag: NO\r\nX-Spam-Score: 1.2\r\nX-Spam-Status: No, score=1.2 required=5.0 tests=MISSING_MID,HTML_MESSAGE\r\n", added, StringComparison.Ordinal);
        Assert.DoesNotContain("X-MtaKit-Scan", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_OneSharedReportCleanThenSpam_HeadersFollowEachVerdict()
    {
        var shared = Report(0);
        var calls = 0;
        var scanner = new StubScanner("embedded:gtube", (_, _) => ValueTask.FromResult(
            Interlocked.Increment(ref calls) == 2 ? ScanResult.SpamFound("embedded:gtube", T, shared) : ScanResult.Clean("embedded:gtube", T, shared)));
        await using var host = await StartAsync(new ScanningOptions(), [scanner]);

        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("250 ", await host.SendAsync(Message("m" + i)), StringComparison.Ordinal);
        }

        var delivered = host.Delivered().OrderBy(d => d.Contains("Subject: m2", StringComparison.Ordinal) ? 2 : d.Contains("Subject: m1", StringComparison.Ordinal) ? 1 : 0).ToList();
        Assert.Equal(3, delivered.Count);
        Assert.Contains("X-Spam-Flag: NO\r\nX-Spam-Score: 0.0\r\nX-Spam-Status: No, score=0.0 required=5.0 tests=none\r\n", delivered[0], StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: YES\r\nX-Spam-Score: 0.0\r\nX-Spam-Status: Yes, score=0.0 required=5.0 tests=none\r\n", delivered[1], StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: NO\r\nX-Spam-Score: 0.0\r\nX-Spam-Status: No, score=0.0 required=5.0 tests=none\r\n", delivered[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_NoSpamScanner_AddsNoSpamHeaders()
    {
        await using var host = await StartAsync(ScanResult.Clean("clamd:a", T));

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.DoesNotContain("X-Spam-", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_SpamAtTagScore_DeliversFlaggedWithSubjectUnchanged()
    {
        await using var host = await StartAsync(ScanResult.Clean("spamd:a", T, Report(6.5, null, "BAYES_99")));

        Assert.StartsWith("250 ", await host.SendAsync(Message("lunch")), StringComparison.Ordinal);

        var delivered = Assert.Single(host.Delivered());
        Assert.Contains("X-Spam-Flag: YES\r\n", delivered, StringComparison.Ordinal);
        Assert.Contains("X-Spam-Status: Yes, score=6.5 required=5.0 tests=BAYES_99\r\n", delivered, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: lunch\r\n", delivered, StringComparison.Ordinal);
        Assert.Empty(host.Quarantined());
    }

    [Fact]
    public async Task OnDataAsync_TagWithRewriteSubject_ReplacesTheSubjectOnce()
    {
        var options = new ScanningOptionsBuilder().OnSpamTagged(SpamTagAction.Headers, rewriteSubject: true).Build();
        await using var host = await StartAsync(options, [Fixed(ScanResult.Clean("spamd:a", T, Report(7)))]);

        Assert.StartsWith("250 ", await host.SendAsync(Message("=?utf-8?q?caf=C3=A9?=")), StringComparison.Ordinal);

        var delivered = Assert.Single(host.Delivered());
        Assert.Contains("Subject: [SPAM] =?utf-8?q?caf=C3=A9?=\r\n", delivered, StringComparison.Ordinal);
        Assert.Single(delivered.Split("\r\n"), l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OnDataAsync_CleanWithRewriteSubject_LeavesSubject()
    {
        var options = new ScanningOptionsBuilder().OnSpamTagged(SpamTagAction.Headers, rewriteSubject: true).Build();
        await using var host = await StartAsync(options, [Fixed(ScanResult.Clean("spamd:a", T, Report(2)))]);

        await host.SendAsync(Message("lunch"));

        Assert.Contains("\r\nSubject: lunch\r\n", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_TagWithQuarantine_DeliversToQuarantineOnly()
    {
        var options = new ScanningOptionsBuilder().OnSpamTagged(SpamTagAction.Quarantine).Build();
        await using var host = await StartAsync(options, [Fixed(ScanResult.Clean("spamd:a", T, Report(8)))]);

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);

        Assert.Empty(host.Delivered());
        Assert.Contains("X-Spam-Flag: YES\r\n", Assert.Single(host.Quarantined()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soft reject")]
    [InlineData("greylist")]
    public async Task OnDataAsync_RspamdDeferringAction_Defers451(string action)
    {
        await using var host = await StartAsync(ScanResult.Clean("rspamd:a", T, Report(3, action)));

        Assert.StartsWith("451 4.7.1 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.Equal(0, host.FileCount);
    }

    [Theory]
    [InlineData("rewrite subject")]
    [InlineData("add header")]
    public async Task OnDataAsync_RspamdTaggingAction_DeliversFlagged(string action)
    {
        // rspamd's own thresholds may be below ours: its action alone tags
        await using var host = await StartAsync(ScanResult.SpamFound("rspamd:a", T, Report(4.5, action, "R_SUSPICIOUS")));

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: YES\r\n", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_RspamdReject_Rejects550WithItsMessage()
    {
        await using var host = await StartAsync(ScanResult.SpamFound("rspamd:a", T, Report(15, "reject", "Gtube pattern", [])));

        Assert.Equal("550 5.7.1 Gtube pattern", await host.SendAsync(Message()));
    }

    [Fact]
    public async Task OnDataAsync_ScannerUnavailable_Defers451AndStoresNothing()
    {
        await using var host = await StartAsync(ScanResult.Unavailable("clamd", T, "connection refused"), ScanResult.Clean("spamd:a", T, Report(0)));

        Assert.Equal("451 4.7.1 Message could not be scanned now, try again later", await host.SendAsync(Message()));
        Assert.Equal(0, host.FileCount);
    }

    [Fact]
    public async Task OnDataAsync_ScannerUnavailableUnderFailPolicyAccept_DeliversMarkedUnscanned()
    {
        var options = new ScanningOptionsBuilder().OnFailure(ScanFailPolicy.Accept).Build();
        await using var host = await StartAsync(options, [Fixed(ScanResult.Unavailable("clamd", T, "connection refused"))]);

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.Contains("X-MtaKit-Scan: unscanned\r\n", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_TooLargeForVirusScanner_Rejects552ByDefault()
    {
        await using var host = await StartAsync(ScanResult.TooLarge("clamd:a", T, "INSTREAM size limit exceeded"), ScanResult.Clean("spamd:a", T, Report(0)));

        Assert.Equal("552 5.3.4 Message too big for content scanning", await host.SendAsync(Message()));
        Assert.Equal(0, host.FileCount);
    }

    [Fact]
    public async Task OnDataAsync_TooLargeUnderPolicyAccept_DeliversMarkedUnscanned()
    {
        var options = new ScanningOptionsBuilder().OnTooLarge(ScanTooLargePolicy.Accept).Build();
        await using var host = await StartAsync(options, [Fixed(ScanResult.TooLarge("clamd:a", T, "INSTREAM size limit exceeded"))]);

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.Contains("X-MtaKit-Scan: unscanned\r\n", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_SkippedBySpamScannerSizeRule_DeliversWithoutMark()
    {
        await using var host = await StartAsync(ScanResult.Skipped("spamd", T, "message larger than 512000 bytes"), ScanResult.Clean("clamd:a", T));

        Assert.StartsWith("250 ", await host.SendAsync(Message()), StringComparison.Ordinal);
        Assert.DoesNotContain("X-MtaKit-Scan", Assert.Single(host.Delivered()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_ForgedScanHeaders_AreReplacedByOurs()
    {
        await using var host = await StartAsync(ScanResult.Clean("spamd:a", T, Report(9)));
        var forged = "X-Spam-Flag: NO\r\nX-Spam-Status: No, score=-100\r\nX-MtaKit-Scan: scanned\r\n" + Message();

        await host.SendAsync(forged);

        var delivered = Assert.Single(host.Delivered());
        Assert.DoesNotContain("X-Spam-Flag: NO", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("score=-100", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("X-MtaKit-Scan", delivered, StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: YES\r\n", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_ScannerHeaderEdits_Applied()
    {
        var report = Report(0.5, null, null,
        [
            new HeaderEdit(HeaderEditKind.Add, "X-Rspamd-Server", "scan1"),
            new HeaderEdit(HeaderEditKind.Remove, "X-Old-Scan", null, 0),
            new HeaderEdit(HeaderEditKind.Add, "X-Spam-Flag", "forged by scanner"),
            new HeaderEdit(HeaderEditKind.Add, "Bad Name", "x"),
        ]);
        await using var host = await StartAsync(ScanResult.Clean("rspamd:a", T, report));

        await host.SendAsync("X-Old-Scan: 1\r\n" + Message());

        var delivered = Assert.Single(host.Delivered());
        Assert.Contains("X-Rspamd-Server: scan1\r\n", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Old-Scan", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("forged by scanner", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad Name", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDataAsync_Summary_IsOnTransactionPropertiesForLaterStages()
    {
        var later = new CapturingStage();
        var options = new ScanningOptions();
        var set = new ScannerSet([Fixed(ScanResult.Clean("spamd:a", T, Report(2.5)))], options.Spam);
        await using var host = await ScanStageHost.StartAsync(false, ScanningStage.Create(set, options), later);

        await host.SendAsync(Message());

        Assert.NotNull(later.Summary);
        Assert.Equal(2.5, later.Summary.SpamScore);
        Assert.Equal(ScanAction.Accept, later.Summary.Action);
    }

    [Fact]
    public async Task OnDataAsync_Request_CarriesTheEnvelope()
    {
        ScanRequest? seen = null;
        string? text = null;
        var scanner = new StubScanner("spy", async (request, _) =>
        {
            seen = request;
            using var reader = new StreamReader(request.Message.OpenRead());
            text = await reader.ReadToEndAsync();
            return ScanResult.Clean("spy", T);
        });
        var later = new CapturingStage();
        await using var host = await StartAsync(new ScanningOptions(), [scanner], later);

        await host.SendAsync(Message());

        Assert.NotNull(seen);
        Assert.Equal(System.Net.IPAddress.Loopback, seen.ClientAddress);
        Assert.Equal("client.example.test", seen.Helo);
        Assert.Equal("alice@example.test", seen.ReversePath);
        Assert.Equal(["bob@example.test"], seen.Recipients);
        Assert.Equal(later.QueueId, seen.QueueId);
        Assert.Null(seen.AuthenticatedUser);
        Assert.StartsWith("Received: ", text, StringComparison.Ordinal); // scanners see the trace header too
    }

    private sealed class CapturingStage : IDataStage
    {
        public ScanSummary? Summary { get; private set; }

        public string? QueueId { get; private set; }

        public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
        {
            Summary = context.Transaction.Properties.Get<ScanSummary>();
            QueueId = context.Transaction.Id;
            return next(context);
        }
    }
}
