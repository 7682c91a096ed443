namespace MtaKit;

/// <summary>How a <see cref="SmtpClientPool"/> reuses connections. Immutable; validated when the pool is created.</summary>
public sealed record SmtpClientPoolOptions
{
    /// <summary>The most connections open to one endpoint at a time (in use or idle); further renters wait.</summary>
    /// <value>The default value is 10.</value>
    public int MaxConnectionsPerEndpoint { get; init; } = 10;

    /// <summary>After this many transactions a connection is closed instead of pooled.</summary>
    /// <value>The default value is 100.</value>
    public int MaxMessagesPerConnection { get; init; } = 100;

    /// <summary>An idle connection older than this is closed (servers drop idle clients after a few minutes).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a pooled connection gets RSET before reuse, a health check by round trip. Off by default:
    /// a connection goes back to the pool only outside a transaction, a rent already checks the socket
    /// without a round trip, and the pool's own sends (and the pass-through relay) retry once on a fresh
    /// connection when a reused one turns out dead before the peer answered. The RSET cost a round trip
    /// (two system calls and a wake-up on both sides) per relayed message.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ResetBeforeReuse { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (MaxConnectionsPerEndpoint < 1)
        {
            throw new ArgumentException($"{nameof(MaxConnectionsPerEndpoint)} must be at least 1.", nameof(MaxConnectionsPerEndpoint));
        }

        if (MaxMessagesPerConnection < 1)
        {
            throw new ArgumentException($"{nameof(MaxMessagesPerConnection)} must be at least 1.", nameof(MaxMessagesPerConnection));
        }

        if (IdleTimeout <= TimeSpan.Zero || IdleTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"{nameof(IdleTimeout)} must be positive and at most one hour.", nameof(IdleTimeout));
        }
    }
}
