using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>
/// The relay's LMTP reply table against the real Dovecot LMTP server of
/// tests/services/start-dovecot-lmtp.sh (full@ = 552 at DATA, tempfull@ = 452 at DATA,
/// broken@ = 451 at DATA, other domains = 550 5.1.1 at RCPT), with a Mailstore as fallback.
/// </summary>
public sealed class DovecotLmtpRelayTests
{
    private static string Local() => "relay" + Guid.NewGuid().ToString("N")[..12];

    private static string Message(string subject) => $"From: alice@sender.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@sender.test>\r\n\r\nhello\r\n";

    private static async Task<(Microsoft.Extensions.Hosting.IHost Relay, Microsoft.Extensions.Hosting.IHost? Fallback)> StartAsync(string? fallbackRoot)
    {
        var lmtp = ServiceEnvironment.Require("LMTP");
        var fallback = fallbackRoot is null ? null : await RelayHosts.StartMailstoreAsync(fallbackRoot);
        var relay = await RelayHosts.StartRelayAsync($"lmtp:{lmtp.Address}:{lmtp.Port}", fallback?.Hop());
        return (relay, fallback);
    }

    private static int InDovecot(string local)
    {
        var dir = Path.Combine(ServiceEnvironment.RequireValue("LMTP_MAILDIR"), "example.test", local, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Length : 0;
    }

    [SkippableFact]
    public async Task AllAccepted_250AndStoredByDovecot()
    {
        using var dir = new TempDirectory();
        var (relay, fallback) = await StartAsync(dir.Path);
        try
        {
            string a = Local(), b = Local();
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", [$"{a}@example.test", $"{b}@example.test"], Message("all accepted"));
            Assert.True(t.Accepted, t.Data);
            Assert.Equal(1, InDovecot(a));
            Assert.Equal(1, InDovecot(b));
            Assert.Empty(RelayHosts.Delivered(dir.Path));
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [SkippableFact]
    public async Task AllRefusedWithSame5xx_That5xx()
    {
        using var dir = new TempDirectory();
        var (relay, fallback) = await StartAsync(dir.Path);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["full@example.test", "full+x@example.test"], Message("all full"));
            Assert.StartsWith("552 5.2.2", t.Data, StringComparison.Ordinal);
            Assert.Empty(RelayHosts.Delivered(dir.Path)); // no DSN: the client got the refusal
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [SkippableFact]
    public async Task RcptRefusedByDovecot_550PassesThrough()
    {
        using var dir = new TempDirectory();
        var (relay, fallback) = await StartAsync(dir.Path);
        try
        {
            var lmtp = ServiceEnvironment.Require("LMTP");

            // other.test is not routed by the relay, so route everything to Dovecot to see its RCPT verdict.
            var wide = await RelayHosts.StartRelayAsync($"lmtp:{lmtp.Address}:{lmtp.Port}", extra: new() { ["MtaKit:Routing:Routes:0:Domains:1"] = "other.test" });
            try
            {
                var t = await RelayTransaction.SendAsync(wide.EndPoint(), "alice@sender.test", ["x@other.test"], Message("unknown"));
                Assert.StartsWith("550 5.1.1", t.Rcpts[0], StringComparison.Ordinal);
                Assert.Null(t.Data);
            }
            finally
            {
                await RelayHosts.StopAllAsync(wide);
            }
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [SkippableFact]
    public async Task SomeTemporary_ThoseGoToFallback_250()
    {
        using var dir = new TempDirectory();
        var (relay, fallback) = await StartAsync(dir.Path);
        try
        {
            var ok = Local();
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", [$"{ok}@example.test", "tempfull@example.test", "broken@example.test"], Message("some temporary"));
            Assert.True(t.Accepted, t.Data);
            Assert.Equal(1, InDovecot(ok));
            var held = RelayHosts.Delivered(dir.Path).Select(f => Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(f)))).Order().ToList();
            Assert.Equal(["broken@example.test", "tempfull@example.test"], held);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }

    [SkippableFact]
    public async Task AllTemporary_NoFallback_4xx()
    {
        var (relay, _) = await StartAsync(null);
        try
        {
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", ["tempfull@example.test"], Message("temporary, nowhere to go"));
            Assert.StartsWith("452 4.2.2", t.Data, StringComparison.Ordinal);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay);
        }
    }

    [SkippableFact]
    public async Task PermanentAfterOthersAccepted_250AndDsnAtFallback()
    {
        using var dir = new TempDirectory();
        var (relay, fallback) = await StartAsync(dir.Path);
        try
        {
            var ok = Local();
            var t = await RelayTransaction.SendAsync(relay.EndPoint(), "alice@sender.test", [$"{ok}@example.test", "full@example.test"], Message("one full"));
            Assert.True(t.Accepted, t.Data);
            Assert.Equal(1, InDovecot(ok));

            var file = Assert.Single(RelayHosts.Delivered(dir.Path));
            Assert.Equal("alice@sender.test", Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file))));
            var dsn = await MimeMessage.LoadAsync(file);
            var report = Assert.IsType<MultipartReport>(dsn.Body);
            Assert.Equal("delivery-status", report.ReportType);
            var status = Assert.Single(dsn.BodyParts.OfType<MessageDeliveryStatus>());
            var recipient = Assert.Single(status.StatusGroups.Skip(1));
            Assert.Equal("rfc822; full@example.test", recipient["Final-Recipient"]);
            Assert.Equal("failed", recipient["Action"]);
            Assert.Equal("5.2.2", recipient["Status"]);
        }
        finally
        {
            await RelayHosts.StopAllAsync(relay, fallback);
        }
    }
}
