using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace MtaKit.Queueing;

/// <summary>
/// Composes RFC 3464 delivery status notifications (bounces and delay warnings) with MimeKit:
/// <c>multipart/report</c> with a human-readable part, a <c>message/delivery-status</c> part, and the
/// returned message (<c>message/rfc822</c>, or <c>text/rfc822-headers</c> for RET=HDRS, delay
/// warnings and large messages). Never addressed to the null sender, and only for recipients whose
/// NOTIFY asks for it.
/// </summary>
public sealed class DsnComposer
{
    private readonly DsnOptions options;
    private readonly TimeProvider timeProvider;
    private readonly string fromAddress;

    /// <summary>Creates the composer.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for the Date header.</param>
    public DsnComposer(DsnOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ReportingMta, nameof(options));
        this.options = options;
        this.timeProvider = timeProvider;
        fromAddress = options.FromAddress ?? "MAILER-DAEMON@" + options.ReportingMta;
    }

    /// <summary>
    /// Composes a notification for a queued message, or returns <see langword="null"/> when none may
    /// be sent: the null sender, or no recipient that asked for this kind. A failure notification
    /// covers the recipients in <see cref="RecipientState.Failed"/> (mark expired ones failed, with
    /// their last reply, first); a delay warning covers those still <see cref="RecipientState.Pending"/>.
    /// </summary>
    /// <param name="kind">Failure or delay.</param>
    /// <param name="entry">The queued message.</param>
    /// <param name="content">Its bytes, to return in full or as headers.</param>
    /// <param name="willRetryUntil">For a delay warning, when the network stops trying (<c>Will-Retry-Until</c>).</param>
    /// <param name="cancellationToken">Cancels reading the content.</param>
    public async ValueTask<DeliveryStatusNotification?> ComposeAsync(
        DsnKind kind, SpoolEntry entry, IMessageContent content, DateTimeOffset? willRetryUntil = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(content);
        if (entry.Envelope.IsNullSender)
        {
            return null;
        }

        var recipients = entry.Envelope.Recipients.Where(r => Wants(r, kind)).ToList();
        if (recipients.Count == 0)
        {
            return null;
        }

        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = HumanText(kind, recipients, willRetryUntil) },
            DeliveryStatus(kind, entry, recipients, willRetryUntil),
            await ReturnedAsync(kind, entry, content, cancellationToken).ConfigureAwait(false),
        };

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", fromAddress));
        message.To.Add(MailboxAddress.Parse(entry.Envelope.ReversePath));
        message.Subject = kind == DsnKind.Failure ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)";
        message.Date = timeProvider.GetUtcNow();
        message.MessageId = MimeUtils.GenerateMessageId(options.ReportingMta);
        message.Headers.Add("Auto-Submitted", "auto-replied"); // RFC 3834: no auto-reply loops
        message.Body = report;
        return new DeliveryStatusNotification { Recipient = entry.Envelope.ReversePath, Kind = kind, Message = message };
    }

    private static bool Wants(SpoolRecipient recipient, DsnKind kind)
    {
        if (recipient.Notify.HasFlag(DsnNotify.Never))
        {
            return false;
        }

        return kind == DsnKind.Failure
            ? recipient.State == RecipientState.Failed && (recipient.Notify == DsnNotify.Unspecified || recipient.Notify.HasFlag(DsnNotify.Failure))
            : recipient.State == RecipientState.Pending && (recipient.Notify == DsnNotify.Unspecified || recipient.Notify.HasFlag(DsnNotify.Delay));
    }

    private MessageDeliveryStatus DeliveryStatus(DsnKind kind, SpoolEntry entry, List<SpoolRecipient> recipients, DateTimeOffset? willRetryUntil)
    {
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; " + options.ReportingMta } };
        if (entry.Envelope.EnvelopeId is { } envid)
        {
            perMessage.Add("Original-Envelope-Id", envid);
        }

        perMessage.Add("Arrival-Date", DateUtils.FormatDate(entry.OriginalArrival));
        status.StatusGroups.Add(perMessage);
        foreach (var recipient in recipients)
        {
            var group = new HeaderList();
            if (recipient.OriginalRecipient is { } orcpt)
            {
                // RFC 3464 wants "address-type;address"; the spool keeps the address the server decoded.
                group.Add("Original-Recipient", orcpt.Contains(';', StringComparison.Ordinal) ? orcpt : "rfc822;" + orcpt);
            }

            group.Add("Final-Recipient", "rfc822; " + recipient.Address);
            group.Add("Action", kind == DsnKind.Failure ? "failed" : "delayed");
            group.Add("Status", StatusCode(kind, recipient.LastReply));
            if (recipient.LastReply is { } reply)
            {
                group.Add("Diagnostic-Code", "smtp; " + reply);
            }

            if (entry.LastAttempt is { } last)
            {
                group.Add("Last-Attempt-Date", DateUtils.FormatDate(last));
            }

            if (kind == DsnKind.Delay && willRetryUntil is { } until)
            {
                group.Add("Will-Retry-Until", DateUtils.FormatDate(until));
            }

            status.StatusGroups.Add(group);
        }

        return status;
    }

    private static string StatusCode(DsnKind kind, SmtpReply? reply)
    {
        var wanted = kind == DsnKind.Failure ? 5 : 4;
        if (reply?.EnhancedCode is { } code && code.Class == wanted)
        {
            return code.ToString();
        }

        // Failure without a permanent code: the message expired (RFC 3463 X.4.7, delivery time expired).
        return kind == DsnKind.Failure ? (reply is { IsPermanent: true } ? "5.0.0" : "5.4.7") : "4.0.0";
    }

    private async ValueTask<MimeEntity> ReturnedAsync(DsnKind kind, SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken)
    {
        var stream = content.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            var full = kind == DsnKind.Failure && entry.Envelope.Return != DsnReturn.Headers && content.Length <= options.MaxReturnedBytes;
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

    private static string HumanText(DsnKind kind, List<SpoolRecipient> recipients, DateTimeOffset? willRetryUntil)
    {
        var sb = new StringBuilder();
        sb.AppendLine(kind == DsnKind.Failure
            ? "Your message could not be delivered to the following recipients:"
            : "Your message has not been delivered yet to the following recipients. Delivery is still being attempted.");
        sb.AppendLine();
        foreach (var recipient in recipients)
        {
            sb.Append("  <").Append(recipient.Address).Append('>');
            if (recipient.LastReply is { } reply)
            {
                sb.Append(": ").Append(reply);
            }

            sb.AppendLine();
        }

        if (kind == DsnKind.Delay && willRetryUntil is { } until)
        {
            sb.AppendLine().Append("Delivery will be attempted until ").Append(until.ToString("u", CultureInfo.InvariantCulture)).AppendLine(".");
        }

        return sb.ToString();
    }
}
