namespace MtaKit.Messages.Dsn;

/// <summary>
/// Everything a delivery status notification says, for <see cref="DeliveryStatusNotification.CreateAsync"/>.
/// </summary>
public sealed record DsnReport
{
    /// <summary>This host's name (Reporting-MTA, the message id's domain and the default From domain).</summary>
    public required string ReportingMta { get; init; }

    /// <summary>The DSN's From address.</summary>
    /// <value>The default value is <see langword="null"/>: <c>MAILER-DAEMON@</c> followed by <see cref="ReportingMta"/>.</value>
    public string? FromAddress { get; init; }

    /// <summary>The DSN's recipient: the original message's reverse path (never the null path: callers check that first).</summary>
    public required string Recipient { get; init; }

    /// <summary>One entry per recipient being reported.</summary>
    public required IReadOnlyList<DsnRecipient> Recipients { get; init; }

    /// <summary>RET of the original transaction: <see cref="DsnReturn.Headers"/> returns the header section only.</summary>
    /// <value>The default value is <see cref="DsnReturn.Unspecified"/>: the whole message, within <see cref="MaxReturnedBytes"/>.</value>
    public DsnReturn Return { get; init; }

    /// <summary>Original messages larger than this are returned as headers only, whatever <see cref="Return"/> asked.</summary>
    /// <value>The default value is <see cref="long.MaxValue"/>.</value>
    public long MaxReturnedBytes { get; init; } = long.MaxValue;

    /// <summary>The ENVID of the original transaction, if any (Original-Envelope-Id).</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>When the original message arrived (Arrival-Date).</summary>
    public required DateTimeOffset Arrival { get; init; }

    /// <summary>When the DSN is made (its Date header).</summary>
    public required DateTimeOffset Created { get; init; }
}
