namespace MtaKit;

/// <summary>Options of AUTH failure throttling (<see cref="ThrottlingAuthenticator"/>); bound from <c>MtaKit:Auth:Throttle</c>.</summary>
public sealed record AuthThrottleOptions
{
    /// <summary>Failed attempts allowed per client network in <see cref="Window"/>; once reached, AUTH from it gets 454 4.7.0 until the window passes (0 = no limit).</summary>
    /// <value>The default is 10.</value>
    public int MaxFailuresPerIp { get; init; } = 10;

    /// <summary>Failed attempts allowed per user name in <see cref="Window"/>; once reached, AUTH as that user gets 454 4.7.0 until the window passes (0 = no limit).</summary>
    /// <value>The default is 5.</value>
    public int MaxFailuresPerUser { get; init; } = 5;

    /// <summary>The sliding window of failures, and how long a throttle lasts once the limit is hit.</summary>
    /// <value>The default is 15 minutes.</value>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>IPv4 prefix length of the client network counted.</summary>
    /// <value>The default is 32 (the address).</value>
    public int Ipv4Prefix { get; init; } = 32;

    /// <summary>IPv6 prefix length of the client network counted.</summary>
    /// <value>The default is 64.</value>
    public int Ipv6Prefix { get; init; } = 64;

    /// <summary>Returns the problems with these options, one line each (empty when valid).</summary>
    /// <param name="prefix">The configuration path named in the messages.</param>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Auth:Throttle:")
    {
        var errors = new List<string>();
        if (MaxFailuresPerIp < 0)
        {
            errors.Add($"{prefix}MaxFailuresPerIp must be 0 (no limit) or more (was {MaxFailuresPerIp}).");
        }

        if (MaxFailuresPerUser < 0)
        {
            errors.Add($"{prefix}MaxFailuresPerUser must be 0 (no limit) or more (was {MaxFailuresPerUser}).");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(7))
        {
            errors.Add($"{prefix}Window must be between 1 second and 7 days (was {Window}).");
        }

        if (Ipv4Prefix is < 8 or > 32)
        {
            errors.Add($"{prefix}Ipv4Prefix must be between 8 and 32 (was {Ipv4Prefix}).");
        }

        if (Ipv6Prefix is < 16 or > 128)
        {
            errors.Add($"{prefix}Ipv6Prefix must be between 16 and 128 (was {Ipv6Prefix}).");
        }

        return errors;
    }
}
