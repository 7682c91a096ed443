using System.Text;
using MimeKit;

namespace MtaKit.Messages.Dsn;

/// <summary>What happened to one recipient, for a DSN.</summary>
public sealed record DsnRecipient
{
    /// <summary>The recipient (Final-Recipient).</summary>
    public required string FinalRecipient { get; init; }

    /// <summary>The ORCPT value, if the sender gave one.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>The Action field: <c>failed</c>, <c>delayed</c>, <c>delivered</c>, <c>relayed</c> or <c>expanded</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The status (enhanced status code).</summary>
    public required EnhancedStatusCode Status { get; init; }

    /// <summary>The host that gave the reply (Remote-MTA), if any.</summary>
    public string? RemoteMta { get; init; }

    /// <summary>The reply that decided (Diagnostic-Code: smtp; ...).</summary>
    public SmtpReply? Diagnostic { get; init; }

    /// <summary>When delivery was last attempted.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>For <c>delayed</c>: until when delivery will be tried.</summary>
    public DateTimeOffset? WillRetryUntil { get; init; }
}

/// <summary>
/// Builds RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status)
/// with MimeKit. A DSN is never sent to the null reverse path: callers check that first.
/// </summary>
public static class DeliveryStatusNotification
{
    /// <summary>Builds the DSN message.</summary>
    /// <param name="reportingMta">This host's name (Reporting-MTA, and the From domain).</param>
    /// <param name="sender">The original sender: the DSN's recipient.</param>
    /// <param name="recipients">One entry per recipient being reported.</param>
    /// <param name="original">The original message (all of it, or its headers for RET=HDRS).</param>
    /// <param name="returnContent">RET: full message or headers only.</param>
    /// <param name="envelopeId">The ENVID, if any.</param>
    /// <param name="arrival">When the original message arrived.</param>
    /// <param name="now">When the DSN is made.</param>
    public static MimeMessage Create(string reportingMta, Mailbox sender, IReadOnlyList<DsnRecipient> recipients, IMessageContent original, DsnReturn returnContent, string? envelopeId, DateTimeOffset arrival, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(original);
        var failed = recipients.Any(r => r.Action == "failed");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + reportingMta));
        message.To.Add(MailboxAddress.Parse(sender.Address));
        message.Subject = failed ? "Undelivered Mail Returned to Sender" : recipients.All(r => r.Action == "delayed") ? "Delayed Mail (still being retried)" : "Delivery Status Notification";
        message.Date = now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(reportingMta);
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(reportingMta).Append(".\r\n\r\n");
        text.Append(failed ? "I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n" : "This is a report about your message.\r\n\r\n");
        foreach (var r in recipients)
        {
            text.Append('<').Append(r.FinalRecipient).Append(">: ").Append(r.Action);
            if (r.Diagnostic is not null)
            {
                text.Append(": ").Append(r.RemoteMta is null ? string.Empty : r.RemoteMta + " said: ").Append(r.Diagnostic);
            }

            text.Append("\r\n");
        }

        var status = new StringBuilder();
        status.Append("Reporting-MTA: dns; ").Append(reportingMta).Append("\r\n");
        if (envelopeId is not null)
        {
            status.Append("Original-Envelope-Id: ").Append(envelopeId).Append("\r\n");
        }

        status.Append("Arrival-Date: ").Append(MimeKit.Utils.DateUtils.FormatDate(arrival)).Append("\r\n");
        foreach (var r in recipients)
        {
            status.Append("\r\n");
            if (r.OriginalRecipient is not null)
            {
                status.Append("Original-Recipient: rfc822; ").Append(r.OriginalRecipient).Append("\r\n");
            }

            status.Append("Final-Recipient: rfc822; ").Append(r.FinalRecipient).Append("\r\n");
            status.Append("Action: ").Append(r.Action).Append("\r\n");
            status.Append("Status: ").Append(r.Status.ToString()).Append("\r\n");
            if (r.RemoteMta is not null)
            {
                status.Append("Remote-MTA: dns; ").Append(r.RemoteMta).Append("\r\n");
            }

            if (r.Diagnostic is not null)
            {
                status.Append("Diagnostic-Code: smtp; ").Append(r.Diagnostic.ToString()).Append("\r\n");
            }

            if (r.LastAttempt is { } last)
            {
                status.Append("Last-Attempt-Date: ").Append(MimeKit.Utils.DateUtils.FormatDate(last)).Append("\r\n");
            }

            if (r.WillRetryUntil is { } until)
            {
                status.Append("Will-Retry-Until: ").Append(MimeKit.Utils.DateUtils.FormatDate(until)).Append("\r\n");
            }
        }

        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = text.ToString() },
            new MimePart("message", "delivery-status") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(status.ToString()))) },
        };

        using var originalStream = original.OpenRead();
        var copy = new MemoryStream();
        originalStream.CopyTo(copy);
        copy.Position = 0;
        if (returnContent == DsnReturn.Full)
        {
            report.Add(new MessagePart("rfc822") { Message = MimeMessage.Load(copy) });
        }
        else
        {
            var headers = HeaderList.Load(ParserOptions.Default, copy);
            var headerText = new MemoryStream();
            headers.WriteTo(FormatOptions.Default, headerText);
            headerText.Position = 0;
            report.Add(new MimePart("text", "rfc822-headers") { Content = new MimeContent(headerText) });
        }

        message.Body = report;
        return message;
    }
}
