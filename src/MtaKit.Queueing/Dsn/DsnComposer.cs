using MtaKit.Messages.Dsn;

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
    public async ValueTask<ComposedDsn?> ComposeAsync(
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

        var now = timeProvider.GetUtcNow();
        var message = await Messages.Dsn.DeliveryStatusNotification.CreateAsync(
            new DsnReport
            {
                ReportingMta = options.ReportingMta,
                FromAddress = fromAddress,
                Recipient = entry.Envelope.ReversePath,
                Recipients = [.. recipients.Select(r => new DsnRecipient
                {
                    FinalRecipient = r.Address,
                    OriginalRecipient = r.OriginalRecipient,
                    Action = kind == DsnKind.Failure ? "failed" : "delayed",
                    Status = StatusCode(kind, r.LastReply),
                    Diagnostic = r.LastReply,
                    LastAttempt = entry.LastAttempt,
                    WillRetryUntil = kind == DsnKind.Delay ? willRetryUntil : null,
                })],
                Return = entry.Envelope.Return,
                MaxReturnedBytes = options.MaxReturnedBytes,
                EnvelopeId = entry.Envelope.EnvelopeId,
                Arrival = entry.OriginalArrival,
                Created = now,
            },
            content,
            cancellationToken).ConfigureAwait(false);
        return new ComposedDsn { Recipient = entry.Envelope.ReversePath, Kind = kind, Message = message };
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

    private static EnhancedStatusCode StatusCode(DsnKind kind, SmtpReply? reply)
    {
        var wanted = kind == DsnKind.Failure ? 5 : 4;
        if (reply?.EnhancedCode is { } code && code.Class == wanted)
        {
            return code;
        }

        // Failure without a permanent code: the message expired (RFC 3463 X.4.7, delivery time expired).
        return kind == DsnKind.Failure ? (reply is { IsPermanent: true } ? new EnhancedStatusCode(5, 0, 0) : new EnhancedStatusCode(5, 4, 7)) : new EnhancedStatusCode(4, 0, 0);
    }
}
