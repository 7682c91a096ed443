using System.Text;
using BenchmarkDotNet.Attributes;
using MtaKit.Redis;
using StackExchange.Redis;

namespace MtaKit.Benchmarks;

/// <summary>
/// Round trips of the Redis hints store against a local redis-server (REDIS_HOST/REDIS_PORT, default
/// 127.0.0.1:16379 as started by tests/services/start-redis.sh): one awaited operation at a time (latency) and
/// 64 concurrent increments (throughput through the multiplexer's pipelining).
/// </summary>
[MemoryDiagnoser]
public class RedisHintsBenchmarks
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes("1767225600000");
    private readonly string[] _keys = [.. Enumerable.Range(0, 10_000).Select(i => "gl:t:192.0.2.0/24|s" + i + "@sender.test|r@example.test")];
    private ConnectionMultiplexer _connection = null!;
    private RedisHintsStore _store = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        var host = Environment.GetEnvironmentVariable("REDIS_HOST") ?? "127.0.0.1";
        var port = Environment.GetEnvironmentVariable("REDIS_PORT") ?? "16379";
        _connection = await ConnectionMultiplexer.ConnectAsync($"{host}:{port}");
        _store = new RedisHintsStore(_connection, new RedisHintsStoreOptions { KeyPrefix = "bench:" + Guid.NewGuid().ToString("N") + ":" });
        foreach (var key in _keys)
        {
            await _store.SetAsync(key, Value, TimeSpan.FromMinutes(10));
        }
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _connection.DisposeAsync();

    private string NextKey() => _keys[_next++ % _keys.Length];

    [Benchmark]
    public ValueTask<long> Increment() => _store.IncrementAsync(NextKey(), TimeSpan.FromMinutes(1));

    [Benchmark]
    public ValueTask<byte[]?> Get() => _store.GetAsync(NextKey());

    [Benchmark]
    public ValueTask Set() => _store.SetAsync(NextKey(), Value, TimeSpan.FromMinutes(10));

    [Benchmark]
    public ValueTask<bool> CompareAndSet() => _store.CompareAndSetAsync(NextKey(), Value, Value, TimeSpan.FromMinutes(10));

    [Benchmark(OperationsPerInvoke = 64)]
    public Task Increment64Concurrent()
        => Task.WhenAll(Enumerable.Range(0, 64).Select(_ => _store.IncrementAsync(NextKey(), TimeSpan.FromMinutes(1)).AsTask()));
}
