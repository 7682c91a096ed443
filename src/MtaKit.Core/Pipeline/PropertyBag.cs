namespace MtaKit;

/// <summary>
/// Typed values that stages attach to a session, transaction or recipient for later stages
/// (scan results, DNSBL scores, the route). Keyed by type; not thread-safe (one session is one logical flow).
/// </summary>
public sealed class PropertyBag
{
    // A bag holds a handful of values: a linear scan over a small array beats hashing and allocates
    // one array (grown by doubling) instead of a dictionary with its buckets and entries.
    private KeyValuePair<Type, object?>[]? _values;
    private int _count;

    /// <summary>Stores a value under its type, replacing any earlier one.</summary>
    public void Set<T>(T value) => Put(typeof(T), value);

    /// <summary>Gets the value stored under <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(out T value)
    {
        var i = IndexOf(typeof(T));
        if (i >= 0 && _values![i].Value is T t)
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
    public bool Remove<T>()
    {
        var i = IndexOf(typeof(T));
        if (i < 0)
        {
            return false;
        }

        _count--;
        _values![i] = _values[_count];
        _values[_count] = default;
        return true;
    }

    internal void CopyTo(PropertyBag other)
    {
        for (var i = 0; i < _count; i++)
        {
            other.Put(_values![i].Key, _values[i].Value);
        }
    }

    // Replaces the value stored under the type, or appends it.
    private void Put(Type type, object? value)
    {
        var i = IndexOf(type);
        if (i >= 0)
        {
            _values![i] = new(type, value);
            return;
        }

        if (_values is null)
        {
            _values = new KeyValuePair<Type, object?>[4];
        }
        else if (_count == _values.Length)
        {
            Array.Resize(ref _values, _count * 2);
        }

        _values[_count++] = new(type, value);
    }

    private int IndexOf(Type type)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_values![i].Key, type))
            {
                return i;
            }
        }

        return -1;
    }
}
