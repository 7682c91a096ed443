namespace MtaKit;

/// <summary>
/// Small shared state for policy stages and the queue: sliding-window counters (rate limits), keyed
/// entries with a time to live (greylisting, callout cache, retry hints) and compare-and-set. The
/// embedded <see cref="InMemoryHintsStore"/> serves one node; a shared store (Redis) lets several
/// relays see the same counts. Every operation is atomic on its key.
/// </summary>
/// <remarks>
/// <para><b>Sliding window.</b> <see cref="IncrementAsync"/> uses the two-bucket approximation: time is cut into
/// fixed buckets of one <c>window</c> each (bucket <c>n</c> = <c>floor(unix-ms / window-ms)</c>); the store keeps
/// the counts of the current bucket <c>c</c> and the one before <c>p</c>, and the count returned is
/// <c>c + ceiling(p * (1 - elapsed / window))</c> where <c>elapsed</c> is the time since the current bucket began.
/// It never undercounts events of the last window by more than the rounding, and forgets an event at most
/// two windows after it. A Redis store implements it with <c>INCR key:n</c> + <c>PEXPIRE 2*window</c> and
/// <c>GET key:(n-1)</c> in one Lua script.</para>
/// <para><b>Entries.</b> Values are bytes (strings as UTF-8 via <see cref="HintsStoreExtensions"/>); each
/// has a time to live after which it is gone. Counters and entries are separate key spaces (a Redis store prefixes them differently).</para>
/// <para><b>Bounded.</b> A store may drop entries before they expire when full (the embedded store evicts
/// the soonest to expire); callers treat a missing entry as "not known", never as an error.</para>
/// </remarks>
public interface IHintsStore
{
    /// <summary>Counts one event (or <paramref name="increment"/> events) under <paramref name="key"/> and returns the sliding-window count including it.</summary>
    /// <param name="key">The counter's key.</param>
    /// <param name="window">The window length (at least one millisecond); the same key should always be used with the same window.</param>
    /// <param name="increment">How many events to add (at least 1).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<long> IncrementAsync(string key, TimeSpan window, long increment = 1, CancellationToken cancellationToken = default);

    /// <summary>Gets an entry's value, or <see langword="null"/> when it is absent or expired.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets an entry, replacing any value, to expire after <paramref name="timeToLive"/>.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timeToLive">How long the entry lives (more than zero).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry; returns whether it existed (and had not expired).</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets an entry only if it is absent (or expired). Atomic (Redis: <c>SET key value NX PX ttl</c>).</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">The new value.</param>
    /// <param name="timeToLive">How long the new value lives (more than zero).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the value was set.</returns>
    ValueTask<bool> SetIfAbsentAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets an entry only if it exists and its value equals <paramref name="expected"/> byte for byte. Atomic
    /// (Redis: a Lua script comparing <c>GET</c> and then <c>SET PX</c>).
    /// </summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="expected">The value the entry must have.</param>
    /// <param name="value">The new value.</param>
    /// <param name="timeToLive">How long the new value lives (more than zero).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the value was set.</returns>
    ValueTask<bool> CompareAndSetAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default);
}
