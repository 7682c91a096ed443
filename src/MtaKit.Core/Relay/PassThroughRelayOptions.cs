namespace MtaKit.Relay;

/// <summary>Options of the pass-through (cutthrough) relay.</summary>
public sealed record PassThroughRelayOptions
{
    /// <summary>The name this relay gives in EHLO downstream and in DSNs.</summary>
    public required string HostName { get; init; }

    /// <summary>The client options (timeouts) for next hops; TLS, AUTH and protocol are set per route and hop.</summary>
    public SmtpClientOptions Client { get; init; } = new();

    /// <summary>Connection reuse towards next hops.</summary>
    public SmtpClientPoolOptions Pool { get; init; } = new();

    /// <summary>
    /// The longest the relay waits downstream after the client's end of data before answering
    /// 451, so the client gets its reply well inside its own 10-minute DATA timeout.
    /// <value>The default value is 5 minutes.</value>
    /// </summary>
    public TimeSpan DataBudget { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages with more Received headers than this are refused as a loop (554 5.4.6). <value>The default value is 30.</value></summary>
    public int MaxReceivedHeaders { get; init; } = 30;
}
