namespace MtaKit;

/// <summary>
/// The outcome of a delivery attempt for one recipient: accepted, transient or permanent, with the
/// reply that decided it and the peer's queue id when it gave one.
/// </summary>
public sealed class DeliveryResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="recipient">The recipient.</param>
    /// <param name="reply">The reply that decided the outcome.</param>
    /// <param name="phase">The step that gave the reply.</param>
    /// <param name="isPeerReply">False when the client made the reply itself (timeout, lost connection, local check).</param>
    public DeliveryResult(SmtpClientRecipient recipient, SmtpReply reply, DeliveryPhase phase, bool isPeerReply)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(reply);
        Recipient = recipient;
        Reply = reply;
        Phase = phase;
        IsPeerReply = isPeerReply;
        Status = reply.IsPermanent ? DeliveryStatus.Permanent : reply.IsTransient ? DeliveryStatus.Transient : DeliveryStatus.Accepted;
        QueueId = Status == DeliveryStatus.Accepted && phase == DeliveryPhase.Data ? QueueIdParser.Parse(reply) : null;
    }

    /// <summary>The recipient.</summary>
    public SmtpClientRecipient Recipient { get; }

    /// <summary>Accepted, transient or permanent, from the reply code.</summary>
    public DeliveryStatus Status { get; }

    /// <summary>The peer's reply, or one the client made for a fault (see <see cref="IsPeerReply"/>).</summary>
    public SmtpReply Reply { get; }

    /// <summary>The step that decided the outcome.</summary>
    public DeliveryPhase Phase { get; }

    /// <summary>True when <see cref="Reply"/> came from the peer; false when the client made it (timeout, lost connection, local check).</summary>
    public bool IsPeerReply { get; }

    /// <summary>The peer's queue id from its final 250 (Postfix "queued as X", Exim "id=X", Sendmail "X Message accepted", Exchange "[InternalId=X", Dovecot "&lt;rcpt&gt; X Saved"), or <see langword="null"/>.</summary>
    public string? QueueId { get; }

    /// <summary>Returns <c>recipient: status reply</c>.</summary>
    public override string ToString() => $"{Recipient.ForwardPath}: {Status} {Reply}";
}
