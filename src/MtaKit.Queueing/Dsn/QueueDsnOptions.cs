namespace MtaKit.Queueing;

/// <summary>The queue's DSN settings, bound from <c>MtaKit:Queue:Dsn</c>.</summary>
public sealed class QueueDsnOptions
{
    /// <summary>
    /// Drops failure and delay DSNs (logged and counted, never sent) for messages whose sender was
    /// not validated at acceptance (<see cref="SenderValidation.NotValidated"/>: no SPF pass for
    /// MAIL FROM, no DMARC pass, not authenticated), so forged senders get no backscatter
    /// (<c>MtaKit:Queue:Dsn:SuppressForUnvalidatedSenders</c>). The trade-off: a real sender whose
    /// domain publishes no SPF or DMARC never learns that its mail was not delivered.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SuppressForUnvalidatedSenders { get; set; }
}
