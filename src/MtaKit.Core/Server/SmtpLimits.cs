namespace MtaKit.Server;

/// <summary>Resource limits of a listener. Immutable; every limit has a safe default.</summary>
public sealed record SmtpLimits
{
    /// <summary>The default limits.</summary>
    public static SmtpLimits Default { get; } = new();

    /// <summary>Largest message accepted, in bytes (advertised with SIZE, checked at MAIL and while receiving). <value>The default value is 52,428,800 (50 MiB).</value></summary>
    public long MaxMessageSize { get; init; } = 50L * 1024 * 1024;

    /// <summary>Recipients per message; more get 452 4.5.3. <value>The default value is 100 (the RFC 5321 minimum).</value></summary>
    public int MaxRecipients { get; init; } = 100;

    /// <summary>Concurrent connections on the listener; more get 421 4.7.0. <value>The default value is 1000.</value></summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>Concurrent connections from one client address (IPv6: per <see cref="Ipv6PrefixLength"/> network). <value>The default value is 20.</value></summary>
    public int MaxConnectionsPerIp { get; init; } = 20;

    /// <summary>Error replies (4xx/5xx) per session before 421 and close. <value>The default value is 20.</value></summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Longest command line in bytes, CRLF excluded. <value>The default value is 2048.</value></summary>
    public int MaxCommandLineLength { get; init; } = 2048;

    /// <summary>Messages per connection before 421. <value>The default value is 1000.</value></summary>
    public int MaxMessagesPerConnection { get; init; } = 1000;

    /// <summary>How long the server waits for a command (RFC 5321 4.5.3.2.7: at least 5 minutes). <value>The default value is 5 minutes.</value></summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the server waits for each block of message data (an idle timeout; <see cref="MinimumDataRate"/> bounds the whole transfer). <value>The default value is 3 minutes.</value></summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Slowest average transfer accepted during DATA/BDAT, in bytes per second, once <see cref="DataRateGracePeriod"/> has passed; 0 turns the check off. A client below it gets 421 4.4.2 and is closed (as Postfix's <c>smtpd_min_data_rate</c>). <value>The default value is 500.</value></summary>
    public int MinimumDataRate { get; init; } = 500;

    /// <summary>Time a message transfer may take regardless of its rate: the transfer may last this long plus one second per <see cref="MinimumDataRate"/> bytes received. <value>The default value is 3 minutes.</value></summary>
    public TimeSpan DataRateGracePeriod { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The command timeout while the listener is above <see cref="OverloadThreshold"/> of its connections (as Postfix's stress mode). <value>The default value is 10 seconds.</value></summary>
    public TimeSpan OverloadCommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of <see cref="MaxConnections"/> above which the listener counts as overloaded. <value>The default value is 0.8.</value></summary>
    public double OverloadThreshold { get; init; } = 0.8;

    /// <summary>IPv6 clients are counted per network of this prefix length. <value>The default value is 64.</value></summary>
    public int Ipv6PrefixLength { get; init; } = 64;

    /// <summary>Message bytes kept in memory before the buffer spills to a temp file. <value>The default value is 1 MiB.</value></summary>
    public int MemoryBufferThreshold { get; init; } = 1024 * 1024;

    /// <summary>Checks the limits; returns one message per problem, naming the key.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxMessageSize < 1024) yield return $"{prefix}MaxMessageSize must be at least 1024 bytes.";
        if (MaxRecipients < 1) yield return $"{prefix}MaxRecipients must be at least 1.";
        if (MaxConnections < 1) yield return $"{prefix}MaxConnections must be at least 1.";
        if (MaxConnectionsPerIp < 1) yield return $"{prefix}MaxConnectionsPerIp must be at least 1.";
        if (MaxErrors < 1) yield return $"{prefix}MaxErrors must be at least 1.";
        if (MaxCommandLineLength < 512) yield return $"{prefix}MaxCommandLineLength must be at least 512 (RFC 5321 4.5.3.1.4).";
        if (MaxMessagesPerConnection < 1) yield return $"{prefix}MaxMessagesPerConnection must be at least 1.";
        if (CommandTimeout <= TimeSpan.Zero) yield return $"{prefix}CommandTimeout must be positive.";
        if (DataTimeout <= TimeSpan.Zero) yield return $"{prefix}DataTimeout must be positive.";
        if (MinimumDataRate < 0) yield return $"{prefix}MinimumDataRate must be 0 (off) or a positive number of bytes per second.";
        if (DataRateGracePeriod <= TimeSpan.Zero) yield return $"{prefix}DataRateGracePeriod must be positive.";
        if (OverloadCommandTimeout <= TimeSpan.Zero) yield return $"{prefix}OverloadCommandTimeout must be positive.";
        if (OverloadThreshold is <= 0 or > 1) yield return $"{prefix}OverloadThreshold must be in (0, 1].";
        if (Ipv6PrefixLength is < 32 or > 128) yield return $"{prefix}Ipv6PrefixLength must be 32 to 128.";
        if (MemoryBufferThreshold < 4096) yield return $"{prefix}MemoryBufferThreshold must be at least 4096.";
    }
}
