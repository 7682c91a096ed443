using System.Collections.Concurrent;

namespace MtaKit;

/// <summary>
/// A bounded answer cache keyed by (name, type). Entries expire by <see cref="TimeProvider"/> time; past
/// the bound the least recently used tenth is dropped in one sweep (amortised, no per-hit locking).
/// </summary>
internal sealed class DnsCache(int maxEntries, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<(string Name, DnsRecordType Type), Entry> _entries = new();
    private readonly Lock _trimLock = new();
    private long _useClock;

    public int Count => _entries.Count;

    public bool TryGet(string name, DnsRecordType type, out DnsAnswer answer)
    {
        if (_entries.TryGetValue((name, type), out var entry))
        {
            if (entry.ExpiresAt > timeProvider.GetUtcNow())
            {
                entry.LastUse = Interlocked.Increment(ref _useClock);
                answer = entry.Answer;
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create((name, type), entry));
        }

        answer = null!;
        return false;
    }

    public void Set(DnsAnswer answer, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        _entries[(answer.Name, answer.Type)] = new Entry(answer, timeProvider.GetUtcNow() + ttl) { LastUse = Interlocked.Increment(ref _useClock) };
        if (_entries.Count > maxEntries)
        {
            Trim();
        }
    }

    private void Trim()
    {
        lock (_trimLock)
        {
            if (_entries.Count <= maxEntries)
            {
                return;
            }

            var now = timeProvider.GetUtcNow();
            foreach (var pair in _entries)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    _entries.TryRemove(pair);
                }
            }

            var excess = _entries.Count - (maxEntries - (maxEntries / 10));
            if (excess <= 0)
            {
                return;
            }

            foreach (var pair in _entries.OrderBy(p => p.Value.LastUse).Take(excess).ToList())
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed class Entry(DnsAnswer answer, DateTimeOffset expiresAt)
    {
        public DnsAnswer Answer { get; } = answer;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public long LastUse { get; set; }
    }
}
