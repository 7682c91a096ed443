using System.Text.Json;

namespace MtaKit.Queueing;

/// <summary>
/// <see cref="IRetryHints"/> kept in an <see cref="IHintsStore"/>: with a shared store (Redis) every node of
/// a tier sees the same backoff per host. Each hint is a JSON entry under <c>retry:&lt;host&gt;</c> that lives
/// for the retention after its last failure; a failure is recorded with compare-and-set, so two nodes
/// recording at once keep the earliest first-failure time.
/// </summary>
public sealed class HintsStoreRetryHints : IRetryHints
{
    private readonly IHintsStore _store;
    private readonly TimeSpan _retention;

    /// <summary>Creates the adapter.</summary>
    /// <param name="store">The store.</param>
    /// <param name="retention">How long after its last failure a hint is kept; 7 days when <see langword="null"/>.</param>
    public HintsStoreRetryHints(IHintsStore store, TimeSpan? retention = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _retention = retention ?? TimeSpan.FromDays(7);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_retention, TimeSpan.Zero, nameof(retention));
    }

    /// <inheritdoc/>
    public async ValueTask<HostRetryHint?> GetAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bytes = await _store.GetAsync(Key(host), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Read(bytes);
    }

    /// <inheritdoc/>
    public async ValueTask<HostRetryHint> RecordFailureAsync(string host, DateTimeOffset failedAt, DateTimeOffset nextAllowedAttempt, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(error);
        var key = Key(host);
        // Compare-and-set until our merge lands: every round some writer wins, so this ends; a blind
        // write after "too many" lost races could drop an earlier first-failure time.
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var old = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var previous = old is null ? null : Read(old);
            var hint = new HostRetryHint
            {
                Host = host,
                FirstFailure = previous is null ? failedAt : Min(previous.FirstFailure, failedAt),
                LastFailure = previous is null ? failedAt : Max(previous.LastFailure, failedAt),
                NextAllowedAttempt = nextAllowedAttempt,
                LastError = error,
            };
            var value = JsonSerializer.SerializeToUtf8Bytes(hint);
            var set = old is null
                ? await _store.SetIfAbsentAsync(key, value, _retention, cancellationToken).ConfigureAwait(false)
                : await _store.CompareAndSetAsync(key, old, value, _retention, cancellationToken).ConfigureAwait(false);
            if (set)
            {
                return hint;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask RecordSuccessAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        await _store.DeleteAsync(Key(host), cancellationToken).ConfigureAwait(false);
    }

    private static string Key(string host) => "retry:" + host.ToLowerInvariant();

    // A corrupt or foreign entry is treated as no hint rather than failing deliveries.
    private static HostRetryHint? Read(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<HostRetryHint>(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
