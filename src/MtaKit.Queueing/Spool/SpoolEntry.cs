namespace MtaKit.Queueing;

/// <summary>
/// A message held by a queue tier: its envelope plus the queue's bookkeeping. Immutable; change it
/// with a <c>with</c> expression and write it back with <see cref="IMessageSpool.UpdateAsync"/>.
/// </summary>
public sealed record SpoolEntry
{
    /// <summary>The queue id, also the spool file name.</summary>
    public required QueueId Id { get; init; }

    /// <summary>The SMTP envelope.</summary>
    public required SpoolEnvelope Envelope { get; init; }

    /// <summary>When the message first entered the mail network (kept across tier hand-offs); tier windows count from here.</summary>
    public required DateTimeOffset OriginalArrival { get; init; }

    /// <summary>When this tier accepted the message.</summary>
    public required DateTimeOffset TierArrival { get; init; }

    /// <summary>How many delivery attempts were made (across tiers, when the previous tier passed its count on).</summary>
    public int Attempts { get; init; }

    /// <summary>When the first attempt that failed was made, or <see langword="null"/> before any failure.</summary>
    public DateTimeOffset? FirstFailure { get; init; }

    /// <summary>When the last attempt was made, or <see langword="null"/> before any attempt.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>A short description of the last failure (a reply such as <c>451 4.4.1 timeout</c>), or <see langword="null"/>.</summary>
    public string? LastError { get; init; }

    /// <summary>True once a delay warning DSN was sent for this message.</summary>
    public bool DelayWarningSent { get; init; }

    /// <summary>True when an administrator froze the message: the scheduler does not attempt it.</summary>
    public bool Frozen { get; init; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttempt { get; init; }

    /// <summary>
    /// Whether the sender was validated when the message entered the network (carried across tier
    /// hand-offs); <see cref="QueueDsnOptions.SuppressForUnvalidatedSenders"/> drops DSNs to senders
    /// that were <see cref="SenderValidation.NotValidated"/>.
    /// </summary>
    /// <value>The default value is <see cref="SenderValidation.Unknown"/>.</value>
    public SenderValidation SenderValidation { get; init; }
}
