using System.Text;

namespace MtaKit;

/// <summary>String (UTF-8) forms of the <see cref="IHintsStore"/> entry operations.</summary>
public static class HintsStoreExtensions
{
    /// <summary>Gets an entry as a UTF-8 string, or <see langword="null"/> when absent.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async ValueTask<string?> GetStringAsync(this IHintsStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Sets an entry to a UTF-8 string.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timeToLive">How long the entry lives.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static ValueTask SetStringAsync(this IHintsStore store, string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(value);
        return store.SetAsync(key, Encoding.UTF8.GetBytes(value), timeToLive, cancellationToken);
    }

    /// <summary>Sets an entry to a UTF-8 string only if it is absent.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">The new value.</param>
    /// <param name="timeToLive">How long the new value lives.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static ValueTask<bool> SetStringIfAbsentAsync(this IHintsStore store, string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(value);
        return store.SetIfAbsentAsync(key, Encoding.UTF8.GetBytes(value), timeToLive, cancellationToken);
    }

    /// <summary>
    /// Compare-and-set with UTF-8 strings: <paramref name="expected"/> <see langword="null"/> means "only if absent"
    /// (<see cref="IHintsStore.SetIfAbsentAsync"/>), otherwise "only if the value equals it".
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry's key.</param>
    /// <param name="expected">The value the entry must have, or <see langword="null"/> for "absent".</param>
    /// <param name="value">The new value.</param>
    /// <param name="timeToLive">How long the new value lives.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static ValueTask<bool> CompareAndSetStringAsync(this IHintsStore store, string key, string? expected, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(value);
        return expected is null
            ? store.SetIfAbsentAsync(key, Encoding.UTF8.GetBytes(value), timeToLive, cancellationToken)
            : store.CompareAndSetAsync(key, Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(value), timeToLive, cancellationToken);
    }
}
