using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace MtaKit.Redis;

/// <summary>
/// The shared <see cref="IHintsStore"/> on Redis: several relays (or fallback nodes) see the same rate-limit
/// counts, greylisting triplets and retry hints. Every operation is one Redis command or Lua script, so it is
/// atomic on its key. Counters live under <c>{KeyPrefix}c:{key}:{bucket}</c>, entries under <c>{KeyPrefix}e:{key}</c>.
/// The sliding window follows the Redis server's clock (<c>TIME</c>), so relays with skewed clocks still agree.
/// </summary>
/// <remarks>
/// When Redis is unreachable (<see cref="RedisConnectionException"/>, <see cref="RedisTimeoutException"/>) the
/// store follows <see cref="RedisHintsStoreOptions.OnFailure"/>. For fast fail-open, connect with
/// <c>AbortOnConnectFail=false</c> and <see cref="BacklogPolicy.FailFast"/> (the hosting extension does).
/// </remarks>
public sealed class RedisHintsStore : IHintsStore
{
    // KEYS[1] = counter key stem; ARGV[1] = window ms, ARGV[2] = increment.
    private const string IncrementScript = """
        if redis.replicate_commands then redis.replicate_commands() end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local w = tonumber(ARGV[1])
        local b = math.floor(now / w)
        local key = KEYS[1] .. ':' .. string.format('%.0f', b)
        local cur = redis.call('INCRBY', key, ARGV[2])
        redis.call('PEXPIRE', key, 2 * w)
        local prev = tonumber(redis.call('GET', KEYS[1] .. ':' .. string.format('%.0f', b - 1)) or '0')
        local elapsed = now - b * w
        return cur + math.ceil(prev * (w - elapsed) / w)
        """;

    // KEYS[1] = entry key; ARGV[1] = expected, ARGV[2] = new value, ARGV[3] = ttl ms.
    private const string CompareAndSetScript = """
        local v = redis.call('GET', KEYS[1])
        if v and v == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _counterPrefix;
    private readonly string _entryPrefix;
    private readonly RedisFailurePolicy _onFailure;
    private readonly TimeSpan _failureLogInterval;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RedisHintsMetrics _metrics;
    private readonly Lock _failureLock = new();
    private long _failures;
    private long _suppressed;
    private long _lastWarning = long.MinValue;

    /// <summary>Creates the store over an existing connection.</summary>
    /// <param name="connection">The Redis connection (shared; not disposed by the store).</param>
    /// <param name="options">Key prefix and failure policy; defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of the warning rate limit; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory for the <c>MtaKit</c> meter (counter <c>mtakit.hints.redis.failures</c>).</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisHintsStore(IConnectionMultiplexer connection, RedisHintsStoreOptions? options = null, ILogger<RedisHintsStore>? logger = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisHintsStoreOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _connection = connection;
        _counterPrefix = options.KeyPrefix + "c:";
        _entryPrefix = options.KeyPrefix + "e:";
        _onFailure = options.OnFailure;
        _failureLogInterval = options.FailureLogInterval;
        _logger = logger ?? NullLogger<RedisHintsStore>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = RedisHintsMetrics.Get(meterFactory);
    }

    /// <summary>How many operations failed because Redis was unreachable (and failed open) since the store was created.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private IDatabase Database => _connection.GetDatabase();

    /// <inheritdoc/>
    public async ValueTask<long> IncrementAsync(string key, TimeSpan window, long increment = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(increment, 1);
        var windowMs = (long)window.TotalMilliseconds;
        try
        {
            var result = await Database.ScriptEvaluateAsync(
                IncrementScript,
                [(RedisKey)(_counterPrefix + key)],
                [windowMs, increment]).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return (long)result;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Failed(nameof(IncrementAsync), ex);
            return 0;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var value = await Database.StringGetAsync(EntryKey(key)).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Failed(nameof(GetAsync), ex);
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ttl = Ttl(timeToLive);
        try
        {
            await Database.StringSetAsync(EntryKey(key), value, ttl, When.Always).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Failed(nameof(SetAsync), ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var deleted = await Database.KeyDeleteAsync(EntryKey(key)).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return deleted;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Failed(nameof(DeleteAsync), ex);
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SetIfAbsentAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ttl = Ttl(timeToLive);
        try
        {
            var set = await Database.StringSetAsync(EntryKey(key), value, ttl, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return set;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            // No data: the entry is absent, so the caller proceeds as if it had set it.
            Failed(nameof(SetIfAbsentAsync), ex);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CompareAndSetAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ttl = Ttl(timeToLive);
        try
        {
            var result = await Database.ScriptEvaluateAsync(
                CompareAndSetScript,
                [EntryKey(key)],
                [expected, value, ((long)Math.Ceiling(ttl.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)]).WaitAsync(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return (long)result == 1;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            // No data: nothing can equal the expected value.
            Failed(nameof(CompareAndSetAsync), ex);
            return false;
        }
    }

    // Whole milliseconds, rounded up (PX takes integers; a sub-millisecond TTL still lives 1 ms).
    private static TimeSpan Ttl(TimeSpan timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        return TimeSpan.FromMilliseconds(Math.Ceiling(timeToLive.TotalMilliseconds));
    }

    private RedisKey EntryKey(string key) => _entryPrefix + key;

    private bool IsUnreachable(Exception ex)
        => _onFailure == RedisFailurePolicy.FailOpen && ex is RedisConnectionException or RedisTimeoutException or TimeoutException;

    private void Succeeded()
    {
        if (Volatile.Read(ref _lastWarning) == long.MinValue)
        {
            return;
        }

        long failures;
        lock (_failureLock)
        {
            if (_lastWarning == long.MinValue)
            {
                return;
            }

            _lastWarning = long.MinValue;
            _suppressed = 0;
            failures = Interlocked.Read(ref _failures);
        }

        RedisHintsLog.Recovered(_logger, failures);
    }

    private void Failed(string operation, Exception exception)
    {
        Interlocked.Increment(ref _failures);
        _metrics.Failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
        var now = _time.GetTimestamp();
        long suppressed;
        lock (_failureLock)
        {
            if (_lastWarning != long.MinValue && _time.GetElapsedTime(_lastWarning, now) < _failureLogInterval)
            {
                _suppressed++;
                return;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _lastWarning = now;
        }

        RedisHintsLog.FailingOpen(_logger, operation, suppressed, exception);
    }
}
