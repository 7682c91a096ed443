using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace MtaKit.Messages.Dsn;

/// <summary>
/// Builds RFC 3464 delivery status notifications with MimeKit: <c>multipart/report;
/// report-type=delivery-status</c> with a human-readable part, a <c>message/delivery-status</c> part and
/// the returned message (<c>message/rfc822</c>, or <c>text/rfc822-headers</c> for RET=HDRS, delay-only
/// reports and messages above <see cref="DsnReport.MaxReturnedBytes"/>). The one DSN builder of MtaKit:
/// the pass-through relay and the queue's <c>DsnComposer</c> both use it. A DSN is never sent to the null
/// reverse path: callers check that first.
/// </summary>
public static class DeliveryStatusNotification
{
    /// <summary>Builds the DSN message.</summary>
    /// <param name="report">What the DSN says.</param>
    /// <param name="original">The original message (read for the returned part).</param>
    /// <param name="cancellationToken">Cancels reading the original.</param>
    /// <returns>The DSN, addressed to <see cref="DsnReport.Recipient"/>, with <c>Auto-Submitted: auto-replied</c>.</returns>
    public static async ValueTask<MimeMessage> CreateAsync(DsnReport report, IMessageContent original, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.ReportingMta, nameof(report));
        var failed = report.Recipients.Any(r => r.Action == "failed");
        var delayOnly = report.Recipients.Count > 0 && report.Recipients.All(r => r.Action == "delayed");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", report.FromAddress ?? "MAILER-DAEMON@" + report.ReportingMta));
        message.To.Add(MailboxAddress.Parse(report.Recipient));
        message.Subject = failed ? "Undelivered Mail Returned to Sender" : delayOnly ? "Delayed Mail (still being retried)" : "Delivery Status Notification";
        message.Date = report.Created;
        message.MessageId = MimeUtils.GenerateMessageId(report.ReportingMta);
        message.Headers.Add("Auto-Submitted", "auto-replied"); // RFC 3834: no auto-reply loops
        var full = !delayOnly && report.Return != DsnReturn.Headers && original.Length <= report.MaxReturnedBytes;
        message.Body = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = HumanText(report, failed, delayOnly) },
            Status(report),
            await ReturnedAsync(original, full, cancellationToken).ConfigureAwait(false),
        };
        return message;
    }

    private static MessageDeliveryStatus Status(DsnReport report)
    {
        // Written as text, not through MimeKit's status groups, so the part ends with the last field
        // (MimeKit's writer leaves an empty group behind that parsers then report).
        var status = new StringBuilder();
        Field(status, "Reporting-MTA", "dns; " + report.ReportingMta);
        if (report.EnvelopeId is { } envid)
        {
            Field(status, "Original-Envelope-Id", envid);
        }

        Field(status, "Arrival-Date", DateUtils.FormatDate(report.Arrival));
        foreach (var r in report.Recipients)
        {
            status.Append("\r\n");
            if (r.OriginalRecipient is { } orcpt)
            {
                // RFC 3464 wants "address-type;address"; a bare address is rfc822.
                Field(status, "Original-Recipient", orcpt.Contains(';', StringComparison.Ordinal) ? orcpt : "rfc822;" + orcpt);
            }

            Field(status, "Final-Recipient", "rfc822; " + r.FinalRecipient);
            Field(status, "Action", r.Action);
            Field(status, "Status", r.Status.ToString());
            if (r.RemoteMta is not null)
            {
                Field(status, "Remote-MTA", "dns; " + r.RemoteMta);
            }

            if (r.Diagnostic is not null)
            {
                Field(status, "Diagnostic-Code", "smtp; " + r.Diagnostic);
            }

            if (r.LastAttempt is { } last)
            {
                Field(status, "Last-Attempt-Date", DateUtils.FormatDate(last));
            }

            if (r.WillRetryUntil is { } until)
            {
                Field(status, "Will-Retry-Until", DateUtils.FormatDate(until));
            }
        }

        return new MessageDeliveryStatus { Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(status.ToString()))) };
    }

    private static void Field(StringBuilder status, string name, string value) => status.Append(name).Append(": ").Append(value).Append("\r\n");

    private static async ValueTask<MimeEntity> ReturnedAsync(IMessageContent original, bool full, CancellationToken cancellationToken)
    {
        var stream = original.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            if (full)
            {
                return new MessagePart("rfc822") { Message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false) };
            }

            var headers = await HeaderList.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            var headersOnly = new MimeMessage();
            headersOnly.Headers.Clear();
            foreach (var header in headers)
            {
                headersOnly.Headers.Add(header);
            }

            return new TextRfc822Headers { Message = headersOnly };
        }
    }

    private static string HumanText(DsnReport report, bool failed, bool delayOnly)
    {
        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(report.ReportingMta).Append(".\r\n\r\n");
        text.Append(failed
            ? "Your message could not be delivered to one or more recipients.\r\n\r\n"
            : delayOnly
                ? "Your message has not been delivered yet to the following recipients. Delivery is still being attempted.\r\n\r\n"
                : "This is a report about your message.\r\n\r\n");
        DateTimeOffset? retryUntil = null;
        foreach (var r in report.Recipients)
        {
            text.Append("  <").Append(r.FinalRecipient).Append(">: ");
            if (r.Diagnostic is null)
            {
                text.Append(r.Action);
            }
            else
            {
                text.Append(r.RemoteMta is null ? string.Empty : "host " + r.RemoteMta + " said: ").Append(r.Diagnostic);
            }

            text.Append("\r\n");
            retryUntil = r.WillRetryUntil is { } until && (retryUntil is null || until > retryUntil) ? until : retryUntil;
        }

        if (retryUntil is { } last)
        {
            text.Append("\r\nDelivery will be attempted until ").Append(last.ToString("u", CultureInfo.InvariantCulture)).Append(".\r\n");
        }

        return text.ToString();
    }
}
