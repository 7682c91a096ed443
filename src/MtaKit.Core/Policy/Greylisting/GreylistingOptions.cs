using System.Net;

namespace MtaKit;

/// <summary>
/// Greylisting at RCPT, bound from <c>MtaKit:Greylisting</c>: a triplet (client network, sender, recipient)
/// seen for the first time is deferred; a retry after <see cref="Delay"/> (and before <see cref="UnconfirmedLifetime"/>)
/// passes and is remembered for <see cref="PassLifetime"/>, refreshed on every use.
/// </summary>
public sealed record GreylistingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Greylisting";

    /// <summary>Whether greylisting is on (<c>MtaKit:Greylisting:Enabled</c>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a new triplet must wait before a retry passes (<c>MtaKit:Greylisting:Delay</c>).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a deferred triplet waits for its retry before it is forgotten (<c>MtaKit:Greylisting:UnconfirmedLifetime</c>).</summary>
    /// <value>The default value is 4 hours.</value>
    public TimeSpan UnconfirmedLifetime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long a passed triplet (and a client's pass count) is remembered after its last use (<c>MtaKit:Greylisting:PassLifetime</c>).</summary>
    /// <value>The default value is 36 days.</value>
    public TimeSpan PassLifetime { get; init; } = TimeSpan.FromDays(36);

    /// <summary>After this many triplets of a client network passed, the network is no longer greylisted (<c>MtaKit:Greylisting:AutoAllowAfter</c>); 0 turns this off.</summary>
    /// <value>The default value is 5.</value>
    public int AutoAllowAfter { get; init; } = 5;

    /// <summary>The IPv4 prefix that names a client network in a triplet (<c>MtaKit:Greylisting:Ipv4Prefix</c>): big senders retry from another address of the same pool.</summary>
    /// <value>The default value is 24.</value>
    public int Ipv4Prefix { get; init; } = 24;

    /// <summary>The IPv6 prefix that names a client network in a triplet (<c>MtaKit:Greylisting:Ipv6Prefix</c>).</summary>
    /// <value>The default value is 64.</value>
    public int Ipv6Prefix { get; init; } = 64;

    /// <summary>Client networks never greylisted (<c>MtaKit:Greylisting:RelayNetworks</c>, CIDR), besides authenticated clients and the null sender.</summary>
    public IReadOnlyList<IPNetwork> RelayNetworks { get; init; } = [];

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromHours(12))
        {
            errors.Add($"{SectionName}:Delay: must be from 0 to 12 hours.");
        }

        if (UnconfirmedLifetime <= Delay)
        {
            errors.Add($"{SectionName}:UnconfirmedLifetime: must be longer than the Delay.");
        }

        if (PassLifetime < TimeSpan.FromHours(1))
        {
            errors.Add($"{SectionName}:PassLifetime: must be at least 1 hour.");
        }

        if (AutoAllowAfter < 0)
        {
            errors.Add($"{SectionName}:AutoAllowAfter: must be 0 (off) or more.");
        }

        if (Ipv4Prefix is < 1 or > 32)
        {
            errors.Add($"{SectionName}:Ipv4Prefix: must be from 1 to 32.");
        }

        if (Ipv6Prefix is < 1 or > 128)
        {
            errors.Add($"{SectionName}:Ipv6Prefix: must be from 1 to 128.");
        }

        return errors;
    }
}
