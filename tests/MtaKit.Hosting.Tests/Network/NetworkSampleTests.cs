using MtaKit.Samples.Network;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Network;

/// <summary>Runs the Network sample in-process (shortened windows) and checks its report against the files on disk.</summary>
public sealed class NetworkSampleTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_DemoTraffic_ReportMatchesMaildirsAndSpools()
    {
        var options = new NetworkDemoOptions
        {
            RunDirectory = _dir.Path,
            // All counted from the traffic (arrival): demo-06 must still be in tier1 once every message (the
            // submissions with TLS and AUTH last) is sent, and in tier2 before the late Mailstore starts.
            Tier1Window = TimeSpan.FromSeconds(8),
            Tier2Window = TimeSpan.FromSeconds(24),
            Retry = "F,1m,2s",
            LateMailstoreStart = TimeSpan.FromSeconds(14),
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var output = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(100));

        var report = await NetworkDemo.RunAsync(options, output, cts.Token);

        var text = output.ToString();
        Assert.True(report.AllAsExpected, text);
        Assert.Equal(
            [
                ("demo-01", DemoFate.Delivered), ("demo-02", DemoFate.Rejected), ("demo-03", DemoFate.Rejected), ("demo-04", DemoFate.Rejected),
                ("demo-05", DemoFate.Rejected), ("demo-06", DemoFate.Delivered), ("demo-07", DemoFate.Dsn), ("demo-08", DemoFate.Delivered),
                ("demo-09", DemoFate.Delivered), ("demo-10", DemoFate.Dsn),
            ],
            report.Messages.Select(m => (m.Id, m.Observed)));
        Assert.StartsWith("550 5.7.1 Message rejected: virus found", Reply(report, "demo-02"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1 Message rejected as spam", Reply(report, "demo-03"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.1 ", Reply(report, "demo-04"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1 Service unavailable; client [192.0.2.66] blocked using bl.test", Reply(report, "demo-05"), StringComparison.Ordinal);
        Assert.Equal("outbound", report.Messages.Single(m => m.Id == "demo-09").Relay);
        Assert.StartsWith("250 2.0.0", Reply(report, "demo-09"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", Reply(report, "demo-10"), StringComparison.Ordinal);
        Assert.Equal("pass d=example.test s=net1", report.Messages.Single(m => m.Id == "demo-09").Dkim);
        Assert.All(report.Messages.Where(m => m.Id != "demo-09"), m => Assert.Null(m.Dkim));
        Assert.Contains("DKIM pass d=example.test s=net1", text, StringComparison.Ordinal);
        Assert.Contains("demo-06 spooled in tier1", text, StringComparison.Ordinal);
        Assert.True(text.Contains("demo-06 spooled in tier2", StringComparison.Ordinal), text);

        // What the disk really holds: each mailbox has exactly the expected messages, the spools are empty.
        Assert.Equal(["demo-01", "demo-09"], IdsIn("maildirs/user@example.test"));
        Assert.Equal(["demo-08"], IdsIn("maildirs/postmaster@example.test"));
        Assert.Equal(["demo-06"], IdsIn("maildirs-late/user@late.example.test"));
        Assert.Equal(["demo-07"], IdsIn("maildirs/bob@example.test"));
        Assert.Equal(["demo-10"], IdsIn("maildirs/carol@example.test"));
        Assert.Empty(IdsIn("maildirs/alice@example.test"));

        // The submitted message went signed by the outbound relay, by MX to relay1 (its Received trace), into the Mailstore.
        var submitted = File.ReadAllText(Path.Combine(_dir.Path, report.Messages.Single(m => m.Id == "demo-09").Location!));
        Assert.StartsWith("maildirs/user@example.test/new/", report.Messages.Single(m => m.Id == "demo-09").Location, StringComparison.Ordinal);
        Assert.Contains("DKIM-Signature:", submitted, StringComparison.Ordinal);
        Assert.Contains("d=example.test", submitted, StringComparison.Ordinal);
        Assert.Contains("relay1.example.test", submitted, StringComparison.Ordinal);
        Assert.Contains("outbound.example.test", submitted, StringComparison.Ordinal);

        // The null MX submission came back to the submitting user as a DSN from the outbound relay.
        var nullMxDsn = File.ReadAllText(Assert.Single(MaildirFiles("maildirs/carol@example.test")));
        Assert.Contains("multipart/report", nullMxDsn, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("someone@outside.test", nullMxDsn, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("5.1.10", nullMxDsn, StringComparison.Ordinal);
        Assert.Contains("Reporting-MTA: dns; outbound.example.test", nullMxDsn, StringComparison.Ordinal);
        var dsn = File.ReadAllText(Assert.Single(MaildirFiles("maildirs/bob@example.test")));
        Assert.Contains("multipart/report", dsn, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("user@down.example.test", dsn, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.Exists(Path.Combine(_dir.Path, "spool"))
            ? Directory.GetFiles(Path.Combine(_dir.Path, "spool"), "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".q", StringComparison.Ordinal) || f.EndsWith(".msg", StringComparison.Ordinal))
            : []);
        foreach (var m in report.Messages)
        {
            if (m.Location is not null)
            {
                Assert.Contains("X-Demo-Id: " + m.Id, File.ReadAllText(Path.Combine(_dir.Path, m.Location)), StringComparison.Ordinal);
            }
        }

        foreach (var id in new[] { "demo-02", "demo-03", "demo-04", "demo-05" })
        {
            Assert.DoesNotContain(
                Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories),
                f => File.ReadAllText(f).Contains("X-Demo-Id: " + id, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(20, 10, 5, 100, "Tier2Window must be longer")]
    [InlineData(20, 40, 45, 100, "LateMailstoreStart must be between")]
    [InlineData(20, 40, 30, 40, "Timeout must be longer")]
    public async Task RunAsync_InvalidOptions_ThrowsBeforeStartingAnything(int tier1, int tier2, int late, int timeout, string expected)
    {
        var options = new NetworkDemoOptions
        {
            RunDirectory = _dir.Path,
            Tier1Window = TimeSpan.FromSeconds(tier1),
            Tier2Window = TimeSpan.FromSeconds(tier2),
            LateMailstoreStart = TimeSpan.FromSeconds(late),
            Timeout = TimeSpan.FromSeconds(timeout),
        };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => NetworkDemo.RunAsync(options, TextWriter.Null, CancellationToken.None));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    private static string Reply(NetworkDemoReport report, string id) => report.Messages.Single(m => m.Id == id).Reply;

    private string[] MaildirFiles(string mailbox)
    {
        var dir = Path.Combine(_dir.Path, mailbox, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    private List<string> IdsIn(string mailbox)
        => [.. MaildirFiles(mailbox)
            .Select(f => File.ReadAllText(f))
            .SelectMany(t => new[] { "01", "02", "03", "04", "05", "06", "07", "08", "09", "10" }.Select(n => "demo-" + n).Where(id => t.Contains("X-Demo-Id: " + id, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];
}
