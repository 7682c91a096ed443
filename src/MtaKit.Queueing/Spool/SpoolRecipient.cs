namespace MtaKit.Queueing;

/// <summary>One recipient of a queued message, with its RFC 3461 parameters and its delivery state.</summary>
public sealed record SpoolRecipient
{
    /// <summary>The forward path (<c>user@example.com</c>), without angle brackets.</summary>
    public required string Address { get; init; }

    /// <summary>The NOTIFY parameter.</summary>
    /// <value>The default value is <see cref="DsnNotify.Unspecified"/>.</value>
    public DsnNotify Notify { get; init; }

    /// <summary>
    /// The RFC 3461 ORCPT address (xtext decoded; <c>user@example.com</c> for <c>ORCPT=rfc822;user@example.com</c>,
    /// the <c>rfc822;</c> type is implied), or <see langword="null"/>.
    /// </summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>The delivery state.</summary>
    /// <value>The default value is <see cref="RecipientState.Pending"/>.</value>
    public RecipientState State { get; init; }

    /// <summary>The last reply a next hop gave for this recipient, or <see langword="null"/> if none yet.</summary>
    public SmtpReply? LastReply { get; init; }

    /// <summary>
    /// The queue id the next hop gave in its 250 reply (<c>queued as 4ABC123</c>) when it took this
    /// recipient, or <see langword="null"/> when it named none.
    /// </summary>
    public string? PeerQueueId { get; init; }
}
