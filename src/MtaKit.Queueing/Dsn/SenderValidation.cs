namespace MtaKit.Queueing;

/// <summary>
/// Whether a queued message's sender was validated when it was accepted: the basis of
/// <see cref="QueueDsnOptions.SuppressForUnvalidatedSenders"/> (no bounces to forged senders).
/// </summary>
public enum SenderValidation
{
    /// <summary>
    /// No check ran at acceptance (no SPF check of the MAIL FROM identity, no DMARC evaluation, no
    /// authentication), or the entry comes from an older spool: DSNs are sent as usual.
    /// </summary>
    Unknown,

    /// <summary>SPF passed for the MAIL FROM identity, DMARC passed (aligned), or the client authenticated.</summary>
    Validated,

    /// <summary>SPF or DMARC ran and neither passed, and the client did not authenticate.</summary>
    NotValidated,
}
