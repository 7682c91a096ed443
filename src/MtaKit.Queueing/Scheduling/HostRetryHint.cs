namespace MtaKit.Queueing;

/// <summary>What the queue knows about a destination host that failed: shared by every message to it.</summary>
public sealed record HostRetryHint
{
    /// <summary>The host (or domain) the hint is about.</summary>
    public required string Host { get; init; }

    /// <summary>When the host first failed in the current run of failures; retry cutoffs count from here.</summary>
    public required DateTimeOffset FirstFailure { get; init; }

    /// <summary>When the host last failed.</summary>
    public required DateTimeOffset LastFailure { get; init; }

    /// <summary>No message should try the host before this time.</summary>
    public required DateTimeOffset NextAllowedAttempt { get; init; }

    /// <summary>The last error (for logs and DSNs).</summary>
    public required string LastError { get; init; }

    /// <summary>Returns whether a message may try the host at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    public bool AllowsAttemptAt(DateTimeOffset now) => now >= NextAllowedAttempt;
}
