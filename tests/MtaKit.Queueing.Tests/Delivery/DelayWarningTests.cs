using MimeKit;
using MimeKit.Utils;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// MtaKit:Queue:DelayWarning end to end: real tiers, the next hop down, a fake clock. The sender gets
/// one RFC 3464 delay DSN from tier 1; the hand-off tells tier 2 it was sent, so tier 2 sends none.
/// </summary>
public sealed class DelayWarningTests
{
    private static async Task<(MimeMessage Message, HeaderList PerMessage, HeaderList PerRecipient)> ReadDsnAsync(string path)
    {
        var dsn = await MimeMessage.LoadAsync(path);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.Single(report.OfType<MessageDeliveryStatus>());
        var groups = status.StatusGroups.Where(g => g.Count > 0).ToList(); // MimeKit reads the closing blank line as an empty group
        Assert.Equal(2, groups.Count);
        return (dsn, groups[0], groups[1]);
    }

    [Fact]
    public async Task NextHopDown_PastDelayWarning_SenderGetsOneDelayDsn_Tier2SendsNoSecond()
    {
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { DelayWarning = TimeSpan.FromHours(2) });
        await net.StartDestinationAsync(); // the sender's own mailbox is reachable; down.test is not
        var arrival = net.Time.GetUtcNow();
        await net.SendAsync("nobody@down.test", mailParameters: " ENVID=env-42", rcptParameters: " NOTIFY=DELAY,FAILURE ORCPT=rfc822;nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        await net.AdvanceAsync(TimeSpan.FromHours(1.5), TimeSpan.FromMinutes(30));
        Assert.Empty(net.Delivered("sender@example.test")); // not before the delay-warning time

        await net.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), () => net.Delivered("sender@example.test").Length > 0);
        await net.AdvanceUntilAsync(() => net.Delivered("sender@example.test").Length == 1, TimeSpan.FromMinutes(1), "the delay DSN reaches the sender");

        var (dsn, perMessage, perRecipient) = await ReadDsnAsync(Assert.Single(net.Delivered("sender@example.test")));
        Assert.Equal("MAILER-DAEMON@tier1.test", Assert.Single(dsn.From.Mailboxes).Address);
        Assert.Equal("sender@example.test", Assert.Single(dsn.To.Mailboxes).Address);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
        Assert.Equal("dns; tier1.test", perMessage["Reporting-MTA"]);
        Assert.Equal("env-42", perMessage["Original-Envelope-Id"]);
        Assert.True(DateUtils.TryParse(perMessage["Arrival-Date"], out var arrivalDate));
        Assert.Equal(arrival, arrivalDate);
        Assert.Equal("rfc822;nobody@down.test", perRecipient["Original-Recipient"]);
        Assert.Equal("rfc822; nobody@down.test", perRecipient["Final-Recipient"]);
        Assert.Equal("delayed", perRecipient["Action"]);
        Assert.Matches(@"^4\.\d{1,3}\.\d{1,3}$", perRecipient["Status"]);
        Assert.StartsWith("smtp; 4", perRecipient["Diagnostic-Code"], StringComparison.Ordinal);
        Assert.True(DateUtils.TryParse(perRecipient["Last-Attempt-Date"], out var lastAttempt));
        Assert.InRange(lastAttempt, arrival.AddHours(2), arrival.AddHours(3));
        Assert.True(DateUtils.TryParse(perRecipient["Will-Retry-Until"], out var until));
        Assert.Equal(arrival.AddHours(6), until); // tier 1 retries until its window ends, then hands off
        // The delay DSN sits in tier 1's spool until its delivery's reply came back, a moment after the mailbox has it.
        await TierNetwork.WaitUntilAsync(() => net.ReadSpool("tier1").Length == 1, "the delivered delay DSN leaves tier 1's spool");
        Assert.True(Assert.Single(net.ReadSpool("tier1")).DelayWarningSent);

        // Tier 1's window (6 h) ends: the hand-off carries "warning sent".
        await net.AdvanceAsync(TimeSpan.FromHours(4), TimeSpan.FromMinutes(30), () => net.Tier2.Count == 1 && net.Tier1.Count == 0);
        await net.AdvanceUntilAsync(() => net.Tier1.Count == 0 && net.Tier2.Count == 1, TimeSpan.FromMinutes(1), "the hand-off to tier 2");
        var held = Assert.Single(net.ReadSpool("tier2"));
        Assert.True(held.DelayWarningSent);
        Assert.Equal(arrival, held.OriginalArrival);

        // Tier 2 keeps retrying for hours past its own delay-warning time: no second warning.
        await net.AdvanceAsync(TimeSpan.FromHours(14), TimeSpan.FromMinutes(30));
        Assert.Equal(1, net.Tier2.Count);
        Assert.Single(net.Delivered("sender@example.test"));
    }

    [Fact]
    public async Task NextHopDown_NoDelayWarningConfigured_SendsNoDelayDsn()
    {
        await using var net = await TierNetwork.StartAsync();
        await net.StartDestinationAsync();
        await net.SendAsync("nobody@down.test");
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 1, "tier 1 holds the message");

        await net.AdvanceAsync(TimeSpan.FromHours(5), TimeSpan.FromMinutes(30));

        Assert.Equal(1, net.Tier1.Count);
        Assert.Empty(net.Delivered("sender@example.test"));
        Assert.False(Assert.Single(net.ReadSpool("tier1")).DelayWarningSent);
    }
}
