using System.Text;
using BenchmarkDotNet.Attributes;

namespace MtaKit.Benchmarks;

/// <summary>Operations per second of the embedded hints store (one thread; the store takes one lock per operation).</summary>
[MemoryDiagnoser]
public class HintsBenchmarks
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes("1767225600000");
    private readonly string[] _keys = [.. Enumerable.Range(0, 10_000).Select(i => "gl:t:192.0.2.0/24|s" + i + "@sender.test|r@example.test")];
    private InMemoryHintsStore _store = null!;
    private int _next;

    [Params(100_000)]
    public int MaxEntries { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _store = new InMemoryHintsStore(new InMemoryHintsStoreOptions { MaxEntries = MaxEntries });
        foreach (var key in _keys)
        {
            await _store.SetAsync(key, Value, TimeSpan.FromHours(4));
        }
    }

    private string NextKey() => _keys[_next++ % _keys.Length];

    [Benchmark]
    public ValueTask<long> Increment() => _store.IncrementAsync(NextKey(), TimeSpan.FromMinutes(1));

    [Benchmark]
    public ValueTask<byte[]?> Get() => _store.GetAsync(NextKey());

    [Benchmark]
    public ValueTask Set() => _store.SetAsync(NextKey(), Value, TimeSpan.FromHours(4));

    [Benchmark]
    public ValueTask<bool> CompareAndSet() => _store.CompareAndSetAsync(NextKey(), Value, Value, TimeSpan.FromHours(4));
}
