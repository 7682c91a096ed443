namespace MtaKit;

/// <summary>
/// The embedded <see cref="IHintsStore"/>: process memory, one node. Bounded to
/// <see cref="InMemoryHintsStoreOptions.MaxEntries"/> counters and entries together; when full, expired
/// items go first, then the one soonest to expire. Expiry follows the injected <see cref="TimeProvider"/>.
/// Thread-safe (one lock; every operation is a few dictionary and sorted-set steps).
/// </summary>
public sealed class InMemoryHintsStore : IHintsStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Item> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Item> _counters = new(StringComparer.Ordinal);
    private readonly SortedSet<Item> _byExpiry = new(ItemComparer.Instance);
    private readonly TimeProvider _time;
    private readonly int _maxEntries;
    private long _sequence;

    /// <summary>Creates an empty store.</summary>
    /// <param name="options">The bounds; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryHintsStore(InMemoryHintsStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new InMemoryHintsStoreOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _maxEntries = options.MaxEntries;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many counters and entries are held (expired ones not yet removed included).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byExpiry.Count;
            }
        }
    }

    /// <summary>How many items were evicted before they expired because the store was full.</summary>
    public long Evictions { get; private set; }

    /// <inheritdoc/>
    public ValueTask<long> IncrementAsync(string key, TimeSpan window, long increment = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(increment, 1);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var bucket = now / windowMs;
        lock (_lock)
        {
            if (!_counters.TryGetValue(key, out var item))
            {
                item = Add(_counters, key, isCounter: true, now);
                item.Bucket = bucket;
            }
            else
            {
                _byExpiry.Remove(item);
            }

            if (bucket == item.Bucket + 1)
            {
                item.Previous = item.Current;
                item.Current = 0;
            }
            else if (bucket != item.Bucket)
            {
                // Two or more buckets later (or a clock step back): nothing of the window is left.
                item.Previous = 0;
                item.Current = 0;
            }

            item.Bucket = bucket;
            item.Current += increment;
            item.ExpiresAtMs = (bucket + 2) * windowMs;
            _byExpiry.Add(item);
            var elapsed = now - (bucket * windowMs);
            var share = (long)Math.Ceiling(item.Previous * (windowMs - elapsed) / (double)windowMs);
            return new(item.Current + share);
        }
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            return new(Live(key, now)?.Value);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Store(key, value, timeToLive, now);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var item = Live(key, now);
            if (item is not null)
            {
                Remove(item);
            }

            return new(item is not null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> SetIfAbsentAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
        => SetIf(key, null, value, timeToLive);

    /// <inheritdoc/>
    public ValueTask<bool> CompareAndSetAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
        => SetIf(key, expected, value, timeToLive);

    private ValueTask<bool> SetIf(string key, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte> value, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var current = Live(key, now);
            var matches = expected is { } e
                ? current is not null && e.Span.SequenceEqual(current.Value)
                : current is null;
            if (matches)
            {
                Store(key, value, timeToLive, now);
            }

            return new(matches);
        }
    }

    private Item? Live(string key, long now)
    {
        if (!_entries.TryGetValue(key, out var item))
        {
            return null;
        }

        if (item.ExpiresAtMs > now)
        {
            return item;
        }

        Remove(item);
        return null;
    }

    private void Store(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, long now)
    {
        if (_entries.TryGetValue(key, out var item))
        {
            _byExpiry.Remove(item);
        }
        else
        {
            item = Add(_entries, key, isCounter: false, now);
        }

        item.Value = value.ToArray();
        var ttl = (long)Math.Ceiling(timeToLive.TotalMilliseconds);
        item.ExpiresAtMs = now > long.MaxValue - ttl ? long.MaxValue : now + ttl;
        _byExpiry.Add(item);
    }

    // Creates an item (not yet in the expiry index), making room first.
    private Item Add(Dictionary<string, Item> map, string key, bool isCounter, long now)
    {
        while (_byExpiry.Count >= _maxEntries && _byExpiry.Min is { } oldest)
        {
            if (oldest.ExpiresAtMs > now)
            {
                Evictions++;
            }

            Remove(oldest);
        }

        var item = new Item(key, isCounter, ++_sequence);
        map[key] = item;
        return item;
    }

    private void Remove(Item item)
    {
        _byExpiry.Remove(item);
        (item.IsCounter ? _counters : _entries).Remove(item.Key);
    }

    private sealed class Item(string key, bool isCounter, long sequence)
    {
        public string Key { get; } = key;

        public bool IsCounter { get; } = isCounter;

        public long Sequence { get; } = sequence;

        public long ExpiresAtMs { get; set; }

        public byte[] Value { get; set; } = [];

        public long Bucket { get; set; }

        public long Current { get; set; }

        public long Previous { get; set; }
    }

    private sealed class ItemComparer : IComparer<Item>
    {
        public static readonly ItemComparer Instance = new();

        public int Compare(Item? x, Item? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var c = x!.ExpiresAtMs.CompareTo(y!.ExpiresAtMs);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
