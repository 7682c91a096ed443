using MimeKit;

namespace MtaKit.Queueing;

/// <summary>
/// A composed RFC 3464 delivery status notification (built by <see cref="MtaKit.Messages.Dsn.DeliveryStatusNotification"/>), ready to send with the null reverse path
/// (<c>MAIL FROM:&lt;&gt;</c>) to <see cref="Recipient"/>.
/// </summary>
public sealed record ComposedDsn
{
    /// <summary>The envelope recipient: the original message's reverse path.</summary>
    public required string Recipient { get; init; }

    /// <summary>Which notification it is.</summary>
    public required DsnKind Kind { get; init; }

    /// <summary>The <c>multipart/report; report-type=delivery-status</c> message.</summary>
    public required MimeMessage Message { get; init; }
}
