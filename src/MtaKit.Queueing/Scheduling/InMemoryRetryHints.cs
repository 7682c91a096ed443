using System.Collections.Concurrent;

namespace MtaKit.Queueing;

/// <summary>
/// <see cref="IRetryHints"/> in process memory, for a single node. Hints older than the retention
/// (counted from their last failure) are forgotten when next looked up or recorded.
/// </summary>
public sealed class InMemoryRetryHints : IRetryHints
{
    private readonly ConcurrentDictionary<string, HostRetryHint> hints = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan retention;

    /// <summary>Creates an empty store.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="retention">How long after its last failure a hint is kept; 7 days when <see langword="null"/>.</param>
    public InMemoryRetryHints(TimeProvider timeProvider, TimeSpan? retention = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
        this.retention = retention ?? TimeSpan.FromDays(7);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(this.retention, TimeSpan.Zero, nameof(retention));
    }

    /// <summary>How many hosts have a hint.</summary>
    public int Count => hints.Count;

    /// <inheritdoc/>
    public ValueTask<HostRetryHint?> GetAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (hints.TryGetValue(host, out var hint) && IsExpired(hint))
        {
            hints.TryRemove(new KeyValuePair<string, HostRetryHint>(host, hint));
            hint = null;
        }

        return ValueTask.FromResult(hint);
    }

    /// <inheritdoc/>
    public ValueTask<HostRetryHint> RecordFailureAsync(string host, DateTimeOffset failedAt, DateTimeOffset nextAllowedAttempt, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(error);
        var hint = hints.AddOrUpdate(
            host,
            static (h, a) => new HostRetryHint { Host = h, FirstFailure = a.failedAt, LastFailure = a.failedAt, NextAllowedAttempt = a.nextAllowedAttempt, LastError = a.error },
            (h, old, a) => new HostRetryHint
            {
                Host = h,
                FirstFailure = IsExpired(old) ? a.failedAt : old.FirstFailure,
                LastFailure = a.failedAt,
                NextAllowedAttempt = a.nextAllowedAttempt,
                LastError = a.error,
            },
            (failedAt, nextAllowedAttempt, error));
        return ValueTask.FromResult(hint);
    }

    /// <inheritdoc/>
    public ValueTask RecordSuccessAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        hints.TryRemove(host, out _);
        return ValueTask.CompletedTask;
    }

    private bool IsExpired(HostRetryHint hint) => timeProvider.GetUtcNow() - hint.LastFailure > retention;
}
