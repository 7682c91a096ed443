namespace MtaKit.Queueing;

/// <summary>
/// Retry state per destination host, shared by all messages (and, with a shared store, all nodes), so
/// a host in backoff is not tried once per queued message.
/// </summary>
public interface IRetryHints
{
    /// <summary>Returns the host's hint, or <see langword="null"/> when it has no failure on record.</summary>
    /// <param name="host">The host.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<HostRetryHint?> GetAsync(string host, CancellationToken cancellationToken = default);

    /// <summary>Records a failure; the first failure time is kept from an existing hint.</summary>
    /// <param name="host">The host.</param>
    /// <param name="failedAt">When the attempt failed.</param>
    /// <param name="nextAllowedAttempt">When the host may be tried again (from the retry rules).</param>
    /// <param name="error">The error.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The hint now on record.</returns>
    ValueTask<HostRetryHint> RecordFailureAsync(string host, DateTimeOffset failedAt, DateTimeOffset nextAllowedAttempt, string error, CancellationToken cancellationToken = default);

    /// <summary>Forgets the host's failures after a successful delivery.</summary>
    /// <param name="host">The host.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    ValueTask RecordSuccessAsync(string host, CancellationToken cancellationToken = default);
}
