namespace MtaKit;

/// <summary>
/// Typed values that stages attach to a session, transaction or recipient for later stages
/// (scan results, DNSBL scores, the route). Keyed by type; not thread-safe (one session is one logical flow).
/// </summary>
public sealed class PropertyBag
{
    private Dictionary<Type, object?>? _values;

    /// <summary>Stores a value under its type, replacing any earlier one.</summary>
    public void Set<T>(T value) => (_values ??= [])[typeof(T)] = value;

    /// <summary>Gets the value stored under <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(out T value)
    {
        if (_values is not null && _values.TryGetValue(typeof(T), out var v) && v is T t)
        {
            value = t;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Gets the value stored under <typeparamref name="T"/>, or <see langword="default"/>.</summary>
    public T? Get<T>() => TryGet<T>(out var v) ? v : default;

    /// <summary>Removes the value stored under <typeparamref name="T"/>.</summary>
    public bool Remove<T>() => _values?.Remove(typeof(T)) ?? false;

    internal void Clear() => _values?.Clear();

    internal void CopyTo(PropertyBag other)
    {
        if (_values is null)
        {
            return;
        }

        foreach (var (k, v) in _values)
        {
            (other._values ??= [])[k] = v;
        }
    }
}
