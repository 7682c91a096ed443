namespace MtaKit.Queueing;

/// <summary>
/// The queue state one tier passes to the next with a message, in the private MAIL parameter
/// <see cref="TierHandOffParameter.Name"/>, so the next tier counts its window from the original
/// arrival and keeps the message's history.
/// </summary>
public sealed record TierHandOff
{
    /// <summary>When the message first entered the network.</summary>
    public required DateTimeOffset OriginalArrival { get; init; }

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When delivery first failed, if it did.</summary>
    public DateTimeOffset? FirstFailure { get; init; }

    /// <summary>The last error, if any (truncated to <see cref="TierHandOffParameter.MaxErrorLength"/> characters when encoded).</summary>
    public string? LastError { get; init; }

    /// <summary>The RFC 3461 ENVID, if the sender gave one.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>The RFC 3461 RET parameter.</summary>
    public DsnReturn Return { get; init; }

    /// <summary>True when a delay warning was already sent (so the next tier does not send another).</summary>
    public bool DelayWarningSent { get; init; }

    /// <summary>The name of the tier handing off.</summary>
    public string? FromTier { get; init; }

    /// <summary>Whether the sender was validated when the message entered the network.</summary>
    public SenderValidation SenderValidation { get; init; }

    /// <summary>Takes the hand-off state from a queued message.</summary>
    /// <param name="entry">The message leaving the tier.</param>
    /// <param name="fromTier">The tier's name.</param>
    public static TierHandOff FromEntry(SpoolEntry entry, string fromTier)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new TierHandOff
        {
            OriginalArrival = entry.OriginalArrival,
            Attempts = entry.Attempts,
            FirstFailure = entry.FirstFailure,
            LastError = entry.LastError,
            EnvelopeId = entry.Envelope.EnvelopeId,
            Return = entry.Envelope.Return,
            DelayWarningSent = entry.DelayWarningSent,
            FromTier = fromTier,
            SenderValidation = entry.SenderValidation,
        };
    }

    /// <summary>
    /// Applies the hand-off state to a message this tier just accepted: original arrival, attempts,
    /// last error and delay-warning flag carry over, and ENVID/RET fill in what MAIL did not carry.
    /// The retry history (first failure, last attempt) starts afresh in the new tier. A known sender
    /// validation replaces this tier's own (which only saw the previous tier as the client).
    /// </summary>
    /// <param name="entry">The entry as accepted.</param>
    public SpoolEntry ApplyTo(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry with
        {
            OriginalArrival = OriginalArrival < entry.OriginalArrival ? OriginalArrival : entry.OriginalArrival,
            Attempts = entry.Attempts + Attempts,
            LastError = LastError ?? entry.LastError,
            DelayWarningSent = entry.DelayWarningSent || DelayWarningSent,
            SenderValidation = SenderValidation == SenderValidation.Unknown ? entry.SenderValidation : SenderValidation,
            Envelope = entry.Envelope with
            {
                EnvelopeId = entry.Envelope.EnvelopeId ?? EnvelopeId,
                Return = entry.Envelope.Return == DsnReturn.Unspecified ? Return : entry.Envelope.Return,
            },
        };
    }
}
