namespace MtaKit;

/// <summary>What a rate limit counts by.</summary>
public enum RateLimitKey
{
    /// <summary>The client address (IPv4 /32, IPv6 /64 by default: one IPv6 host usually owns a /64).</summary>
    Ip,

    /// <summary>The client network (IPv4 /24, IPv6 /48 by default).</summary>
    Network,

    /// <summary>The reverse path (lower-cased); the null sender is not counted.</summary>
    Sender,

    /// <summary>The authenticated user; unauthenticated sessions are not counted.</summary>
    User,
}
