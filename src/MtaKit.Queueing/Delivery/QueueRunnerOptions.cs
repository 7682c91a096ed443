namespace MtaKit.Queueing;

/// <summary>Options of a <see cref="QueueRunner"/>.</summary>
public sealed record QueueRunnerOptions
{
    /// <summary>This host's name (EHLO, DSN Reporting-MTA).</summary>
    public required string HostName { get; init; }

    /// <summary>Deliveries running at once. <value>The default value is 20.</value></summary>
    public int MaxParallelDeliveries { get; init; } = 20;

    /// <summary>Client options (timeouts; TLS is opportunistic towards next hops and tiers).</summary>
    public SmtpClientOptions Client { get; init; } = new();

    /// <summary>Connection reuse per destination (also the per-destination concurrency cap).</summary>
    public SmtpClientPoolOptions Pool { get; init; } = new();

    /// <summary>
    /// The clock for network I/O timeouts of deliveries; <see langword="null"/> uses the runner's
    /// clock. Tests that drive the queue with a fake clock set the system clock here, so moving the
    /// queue's clock by hours does not time out a delivery that is still talking.
    /// </summary>
    public TimeProvider? IoTimeProvider { get; init; }

    /// <summary>
    /// Finds the mail hosts of a recipient domain for routes whose next hop is <c>mx</c>; <see langword="null"/>
    /// makes such deliveries fail temporarily (451 4.3.5) until one is configured.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public MxResolver? MxResolver { get; init; }

    /// <summary>
    /// Finds the MTA-STS policy of recipient domains for <c>mx</c> deliveries (RFC 8461): in enforce mode only
    /// MX hosts matching the policy are used, over TLS with a certificate valid for the MX name (validated
    /// against <see cref="SmtpClientOptions.TrustedRootCertificates"/> of <see cref="Client"/> when set);
    /// <see langword="null"/> disables MTA-STS.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public MtaStsResolver? MtaSts { get; init; }

    /// <summary>The TCP port of MX hosts (configuration key <c>MtaKit:Delivery:MxPort</c>; tests use another).</summary>
    /// <value>The default value is 25.</value>
    public int MxPort { get; init; } = 25;

    /// <summary>How long to wait before trying a hand-off again when no next tier took the message. <value>The default value is 5 minutes.</value></summary>
    public TimeSpan HandOffRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Drops failure and delay DSNs for messages whose sender was <see cref="SenderValidation.NotValidated"/>
    /// (see <see cref="QueueDsnOptions.SuppressForUnvalidatedSenders"/>). <value>The default value is <see langword="false"/>.</value>
    /// </summary>
    public bool SuppressDsnForUnvalidatedSenders { get; init; }
}
