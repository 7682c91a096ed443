using System.Text;
using MimeKit;
using MtaKit.Messages.Dsn;

namespace MtaKit.Core.Tests.Messages;

public sealed class DeliveryStatusNotificationTests
{
    private static readonly DateTimeOffset Arrival = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Original = Encoding.ASCII.GetBytes(
        "From: sender@example.org\r\nTo: a@example.com\r\nSubject: hello\r\nMessage-ID: <orig-1@example.org>\r\n\r\nBody line.\r\n");

    [Fact]
    public async Task CreateAsync_FailedWithRemoteMta_WritesEveryFieldAndReturnsTheMessage()
    {
        var dsn = await RoundTripAsync(await DeliveryStatusNotification.CreateAsync(Report([new DsnRecipient
        {
            FinalRecipient = "a@example.com",
            Action = "failed",
            Status = new EnhancedStatusCode(5, 1, 1),
            RemoteMta = "mx.example.com",
            Diagnostic = new SmtpReply(550, "5.1.1", "No such user"),
            LastAttempt = Now,
        }]), MessageContent.FromBytes(Original)));

        Assert.Equal("Undelivered Mail Returned to Sender", dsn.Subject);
        Assert.Equal("MAILER-DAEMON@relay.example.net", dsn.From.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Contains("<a@example.com>: host mx.example.com said: 550 5.1.1 No such user", ((TextPart)report[0]).Text, StringComparison.Ordinal);
        var groups = Assert.IsType<MessageDeliveryStatus>(report[1]).StatusGroups.Where(g => g.Count > 0).ToList();
        Assert.Equal("dns; relay.example.net", groups[0]["Reporting-MTA"]);
        Assert.Equal("rfc822; a@example.com", groups[1]["Final-Recipient"]);
        Assert.Equal("failed", groups[1]["Action"]);
        Assert.Equal("5.1.1", groups[1]["Status"]);
        Assert.Equal("dns; mx.example.com", groups[1]["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 No such user", groups[1]["Diagnostic-Code"]);
        Assert.Equal("orig-1@example.org", Assert.IsType<MessagePart>(report[2]).Message?.MessageId);
    }

    [Theory]
    [InlineData(DsnReturn.Headers, long.MaxValue)]
    [InlineData(DsnReturn.Full, 10)]
    public async Task CreateAsync_HeadersOnlyOrTooLarge_ReturnsTheHeaderSectionOnly(DsnReturn ret, long maxReturnedBytes)
    {
        var report = Report([new DsnRecipient { FinalRecipient = "a@example.com", Action = "failed", Status = new EnhancedStatusCode(5, 0, 0) }]) with
        {
            Return = ret,
            MaxReturnedBytes = maxReturnedBytes,
        };

        var dsn = await RoundTripAsync(await DeliveryStatusNotification.CreateAsync(report, MessageContent.FromBytes(Original)));

        var returned = Assert.IsType<MultipartReport>(dsn.Body)[2];
        Assert.Equal("text/rfc822-headers", returned.ContentType.MimeType);
        var text = returned.ToString();
        Assert.Contains("Subject: hello", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Body line.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_DelayedOnly_SaysWhenRetriesEndAndReturnsHeaders()
    {
        var until = Now.AddDays(4);
        var dsn = await RoundTripAsync(await DeliveryStatusNotification.CreateAsync(Report([new DsnRecipient
        {
            FinalRecipient = "a@example.com",
            Action = "delayed",
            Status = new EnhancedStatusCode(4, 4, 1),
            WillRetryUntil = until,
        }]), MessageContent.FromBytes(Original)));

        Assert.Equal("Delayed Mail (still being retried)", dsn.Subject);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Contains("Delivery will be attempted until 2026-12-03 09:00:00Z.", ((TextPart)report[0]).Text, StringComparison.Ordinal);
        var group = ((MessageDeliveryStatus)report[1]).StatusGroups.Where(g => g.Count > 0).ToList()[1];
        Assert.Equal("Thu, 03 Dec 2026 09:00:00 +0000", group["Will-Retry-Until"]);
        Assert.Equal("text/rfc822-headers", report[2].ContentType.MimeType);
    }

    private static DsnReport Report(IReadOnlyList<DsnRecipient> recipients) => new()
    {
        ReportingMta = "relay.example.net",
        Recipient = "sender@example.org",
        Recipients = recipients,
        Arrival = Arrival,
        Created = Now,
    };

    private static async Task<MimeMessage> RoundTripAsync(MimeMessage message)
    {
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        stream.Position = 0;
        return await MimeMessage.LoadAsync(stream);
    }
}
