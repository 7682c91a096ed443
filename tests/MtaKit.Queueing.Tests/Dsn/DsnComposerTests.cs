using System.Text;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MtaKit.Queueing.Tests.Spool;

namespace MtaKit.Queueing.Tests.Dsn;

public sealed class DsnComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Original = Encoding.ASCII.GetBytes(
        "From: sender@example.org\r\nTo: a@example.com\r\nSubject: quarterly report\r\nMessage-ID: <orig-1@example.org>\r\n\r\nHello,\r\nthe report.\r\n");

    [Fact]
    public async Task ComposeAsync_Failure_ParsesBackAsRfc3464ReportFieldByField()
    {
        var entry = Entry(DsnReturn.Full,
            new SpoolRecipient { Address = "a@example.com", OriginalRecipient = "rfc822;a@example.com", State = RecipientState.Failed, LastReply = new SmtpReply(550, "5.1.1", "No such user") },
            new SpoolRecipient { Address = "b@example.com", State = RecipientState.Failed, LastReply = new SmtpReply(451, "4.4.1", "Connection timed out") },
            new SpoolRecipient { Address = "c@example.com", State = RecipientState.Failed, Notify = DsnNotify.Success },
            new SpoolRecipient { Address = "d@example.com", State = RecipientState.Delivered });

        var dsn = await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original));

        Assert.NotNull(dsn);
        Assert.Equal("sender@example.org", dsn.Recipient);
        var message = await RoundTripAsync(dsn.Message);
        Assert.Equal("MAILER-DAEMON@tier2.example.net", message.From.Mailboxes.Single().Address);
        Assert.Equal("sender@example.org", message.To.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);

        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        Assert.Contains("<a@example.com>: 550 5.1.1 No such user", ((TextPart)report[0]).Text, StringComparison.Ordinal);

        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        var groups = Groups(status);
        Assert.Equal(3, groups.Count);
        var perMessage = groups[0];
        Assert.Equal("dns; tier2.example.net", perMessage["Reporting-MTA"]);
        Assert.Equal("env-42", perMessage["Original-Envelope-Id"]);
        Assert.Equal("Sun, 29 Nov 2026 08:00:00 +0000", perMessage["Arrival-Date"]);

        var a = groups[1];
        Assert.Equal("rfc822;a@example.com", a["Original-Recipient"]);
        Assert.Equal("rfc822; a@example.com", a["Final-Recipient"]);
        Assert.Equal("failed", a["Action"]);
        Assert.Equal("5.1.1", a["Status"]);
        Assert.Equal("smtp; 550 5.1.1 No such user", a["Diagnostic-Code"]);
        Assert.Equal("Mon, 30 Nov 2026 05:00:00 +0000", a["Last-Attempt-Date"]);

        var b = groups[2];
        Assert.Equal("rfc822; b@example.com", b["Final-Recipient"]);
        Assert.Null(b["Original-Recipient"]);
        Assert.Equal("5.4.7", b["Status"]);
        Assert.Equal("smtp; 451 4.4.1 Connection timed out", b["Diagnostic-Code"]);

        var returned = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("quarterly report", returned.Message!.Subject);
        Assert.Contains("the report.", ((TextPart)returned.Message.Body!).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeAsync_RetHeaders_ReturnsHeadersOnly()
    {
        var entry = Entry(DsnReturn.Headers, new SpoolRecipient { Address = "a@example.com", State = RecipientState.Failed });

        var dsn = await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original));

        var report = (MultipartReport)(await RoundTripAsync(dsn!.Message)).Body!;
        var headers = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal("text/rfc822-headers", headers.ContentType.MimeType);
        Assert.Equal("quarterly report", headers.Message!.Subject);
        Assert.DoesNotContain("the report.", dsn.Message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeAsync_Delay_CoversPendingRecipientsWithWillRetryUntil()
    {
        var entry = Entry(DsnReturn.Full,
            new SpoolRecipient { Address = "a@example.com", Notify = DsnNotify.Delay | DsnNotify.Failure, LastReply = new SmtpReply(451, "4.4.1", "timeout") },
            new SpoolRecipient { Address = "b@example.com", Notify = DsnNotify.Failure },
            new SpoolRecipient { Address = "c@example.com", State = RecipientState.Delivered });

        var dsn = await CreateSut().ComposeAsync(DsnKind.Delay, entry, new BytesContent(Original), Now + TimeSpan.FromDays(3));

        var report = (MultipartReport)(await RoundTripAsync(dsn!.Message)).Body!;
        var groups = Groups((MessageDeliveryStatus)report[1]);
        Assert.Equal(2, groups.Count);
        Assert.Equal("rfc822; a@example.com", groups[1]["Final-Recipient"]);
        Assert.Equal("delayed", groups[1]["Action"]);
        Assert.Equal("4.4.1", groups[1]["Status"]);
        Assert.Equal("Thu, 03 Dec 2026 06:00:00 +0000", groups[1]["Will-Retry-Until"]);
        Assert.IsType<TextRfc822Headers>(report[2]);
    }

    [Theory]
    [InlineData("josé@exämple.org")]
    [InlineData("\"john smith\"@example.org")]
    [InlineData("user+tag@example.org")]
    public async Task ComposeAsync_UnusualReversePaths_AddressedExactly(string reversePath)
    {
        var entry = Entry(DsnReturn.Headers, new SpoolRecipient { Address = "a@example.com", State = RecipientState.Failed });
        entry = entry with { Envelope = entry.Envelope with { ReversePath = reversePath, SmtpUtf8 = true } };

        var dsn = await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original));

        Assert.Equal(reversePath, dsn!.Recipient);
        Assert.Single(dsn.Message.To.Mailboxes);
    }

    [Fact]
    public async Task ComposeAsync_OrcptAddressAsTheServerKeepsIt_GetsTheRfc822Type()
    {
        var entry = Entry(DsnReturn.Headers, new SpoolRecipient { Address = "a@example.com", OriginalRecipient = "list@example.com", State = RecipientState.Failed });

        var dsn = await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original));

        var status = Assert.IsType<MultipartReport>((await RoundTripAsync(dsn!.Message)).Body).OfType<MessageDeliveryStatus>().Single();
        Assert.Equal("rfc822;list@example.com", Groups(status)[1]["Original-Recipient"]);
    }

    [Fact]
    public async Task ComposeAsync_NullSender_ReturnsNull()
    {
        var entry = Entry(DsnReturn.Full, new SpoolRecipient { Address = "a@example.com", State = RecipientState.Failed });
        entry = entry with { Envelope = entry.Envelope with { ReversePath = "" } };

        Assert.Null(await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original)));
    }

    [Fact]
    public async Task ComposeAsync_NoRecipientAskedForIt_ReturnsNull()
    {
        var entry = Entry(DsnReturn.Full,
            new SpoolRecipient { Address = "a@example.com", State = RecipientState.Failed, Notify = DsnNotify.Never },
            new SpoolRecipient { Address = "b@example.com", State = RecipientState.Pending });

        Assert.Null(await CreateSut().ComposeAsync(DsnKind.Failure, entry, new BytesContent(Original)));
    }

    private static DsnComposer CreateSut() => new(new DsnOptions { ReportingMta = "tier2.example.net" }, new FakeTimeProvider(Now));

    private static SpoolEntry Entry(DsnReturn ret, params SpoolRecipient[] recipients) => new()
    {
        Id = SpoolSamples.NewId(),
        Envelope = new SpoolEnvelope { ReversePath = "sender@example.org", Recipients = recipients, EnvelopeId = "env-42", Return = ret },
        OriginalArrival = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero),
        TierArrival = new DateTimeOffset(2026, 11, 29, 14, 0, 0, TimeSpan.Zero),
        LastAttempt = new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero),
    };

    // MimeKit's parser reports the blank line after the last group as an empty group.
    private static List<HeaderList> Groups(MessageDeliveryStatus status) => [.. status.StatusGroups.Where(g => g.Count > 0)];

    private static async Task<MimeMessage> RoundTripAsync(MimeMessage message)
    {
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        stream.Position = 0;
        return await MimeMessage.LoadAsync(stream);
    }
}
