namespace MtaKit;

/// <summary>One rate limit: at most <see cref="Limit"/> events of <see cref="Phase"/> per <see cref="Key"/> in a sliding <see cref="Window"/>.</summary>
public sealed record RateLimitRule
{
    /// <summary>What is counted by.</summary>
    /// <value>The default value is <see cref="RateLimitKey.Ip"/>.</value>
    public RateLimitKey Key { get; init; } = RateLimitKey.Ip;

    /// <summary>What is counted.</summary>
    /// <value>The default value is <see cref="RateLimitPhase.Mail"/>.</value>
    public RateLimitPhase Phase { get; init; } = RateLimitPhase.Mail;

    /// <summary>The most events allowed in the window; the next one is refused.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>The sliding window (see <see cref="IHintsStore.IncrementAsync"/> for its exact semantics).</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The IPv4 prefix length for <see cref="RateLimitKey.Ip"/> and <see cref="RateLimitKey.Network"/>.</summary>
    /// <value>The default value is 32 for <see cref="RateLimitKey.Ip"/> and 24 for <see cref="RateLimitKey.Network"/>.</value>
    public int? Ipv4Prefix { get; init; }

    /// <summary>The IPv6 prefix length for <see cref="RateLimitKey.Ip"/> and <see cref="RateLimitKey.Network"/>.</summary>
    /// <value>The default value is 64 for <see cref="RateLimitKey.Ip"/> and 48 for <see cref="RateLimitKey.Network"/>.</value>
    public int? Ipv6Prefix { get; init; }

    /// <summary>The IPv4 prefix in effect.</summary>
    public int EffectiveIpv4Prefix => Ipv4Prefix ?? (Key == RateLimitKey.Network ? 24 : 32);

    /// <summary>The IPv6 prefix in effect.</summary>
    public int EffectiveIpv6Prefix => Ipv6Prefix ?? (Key == RateLimitKey.Network ? 48 : 64);

    /// <summary>Checks every value; returns one message per problem, prefixed with <paramref name="keyPrefix"/> (e.g. <c>MtaKit:RateLimits:0:</c>).</summary>
    /// <param name="keyPrefix">The configuration key of the rule, ending with a colon.</param>
    public IReadOnlyList<string> Validate(string keyPrefix)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Key))
        {
            errors.Add($"{keyPrefix}Key: must be Ip, Network, Sender or User.");
        }

        if (!Enum.IsDefined(Phase))
        {
            errors.Add($"{keyPrefix}Phase: must be Connect, Mail or Rcpt.");
        }
        else if (Phase == RateLimitPhase.Connect && Key is RateLimitKey.Sender or RateLimitKey.User)
        {
            errors.Add($"{keyPrefix}Phase: Connect can only be counted by Ip or Network (the {Key} is not known yet at connect).");
        }

        if (Limit < 1)
        {
            errors.Add($"{keyPrefix}Limit: must be at least 1.");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(30))
        {
            errors.Add($"{keyPrefix}Window: must be from 1 second to 30 days.");
        }

        if (EffectiveIpv4Prefix is < 1 or > 32)
        {
            errors.Add($"{keyPrefix}Ipv4Prefix: must be from 1 to 32.");
        }

        if (EffectiveIpv6Prefix is < 1 or > 128)
        {
            errors.Add($"{keyPrefix}Ipv6Prefix: must be from 1 to 128.");
        }

        return errors;
    }
}
