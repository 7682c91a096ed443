using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>Tier windows of hours, run on a fake clock against real SMTP between real tiers.</summary>
public sealed class TierNetworkTests
{
    [Fact]
    public async Task Message_UndeliverableFor7Hours_MovesToTier2_ThenDeliveredFromTier2()
    {
        await using var net = await TierNetwork.StartAsync();
        var start = net.Time.GetUtcNow();
        await net.SendAsync("user@example.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        await net.AdvanceAsync(TimeSpan.FromHours(5.5), TimeSpan.FromMinutes(30));
        Assert.Equal(1, net.Tier1.Count);
        Assert.Equal(0, net.Tier2.Count);

        await net.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), () => net.Tier2.Count == 1);
        await net.AdvanceUntilAsync(() => net.Tier1.Count == 0 && net.Tier2.Count == 1, TimeSpan.FromMinutes(1), "the hand-off to tier 2");
        var held = Assert.Single(net.Tier2.List());
        Assert.Equal(start, held.OriginalArrival); // the original arrival time travelled with it
        Assert.True(held.Attempts >= 12);

        await net.StartDestinationAsync();
        await net.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), () => net.Tier2.Count == 0);
        await net.AdvanceUntilAsync(() => net.Tier2.Count == 0, TimeSpan.FromMinutes(1), "delivery from tier 2");
        var file = Assert.Single(Directory.GetFiles(Path.Combine(net.MaildirRoot, "user@example.test", "new")));
        Assert.Contains("Subject: tier test", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_UndeliverableBeyondEveryWindow_ReturnsToSenderAsDsn()
    {
        await using var net = await TierNetwork.StartAsync();
        await net.StartDestinationAsync(); // the sender's own mailbox is reachable
        await net.SendAsync("nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        await net.AdvanceAsync(TimeSpan.FromHours(23), TimeSpan.FromMinutes(30), () => Directory.Exists(Path.Combine(net.MaildirRoot, "sender@example.test")));
        await net.AdvanceUntilAsync(() => Directory.Exists(Path.Combine(net.MaildirRoot, "sender@example.test", "new")) && Directory.GetFiles(Path.Combine(net.MaildirRoot, "sender@example.test", "new")).Length == 1, TimeSpan.FromMinutes(1), "the DSN reaches the sender");
        Assert.Equal(0, net.Tier1.Count);

        var dsn = await MimeMessage.LoadAsync(Assert.Single(Directory.GetFiles(Path.Combine(net.MaildirRoot, "sender@example.test", "new"))));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = report.OfType<MimePart>().Single(p => p.ContentType.IsMimeType("message", "delivery-status"));
        using var text = new MemoryStream();
        await status.Content!.DecodeToAsync(text);
        var fields = System.Text.Encoding.ASCII.GetString(text.ToArray());
        Assert.Contains("Final-Recipient: rfc822; nobody@down.test", fields, StringComparison.Ordinal);
        Assert.Contains("Action: failed", fields, StringComparison.Ordinal);
        Assert.Matches(@"Status: 5\.\d+\.\d+", fields);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
    }
}
