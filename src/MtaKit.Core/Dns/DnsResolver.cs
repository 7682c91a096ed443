using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// The network resolver: asks the configured DNS servers (DnsClient underneath, UDP with TCP fallback),
/// caches answers for their TTL (negative answers by the SOA minimum, capped; failures very briefly),
/// runs one query at a time per (name, type) however many callers ask, and counts everything on the
/// "MtaKit" meter. Thread-safe; create one per process.
/// </summary>
public sealed class DnsResolver : IDnsResolver, IDisposable
{
    private readonly Func<string, DnsRecordType, CancellationToken, Task<(DnsAnswer Answer, string? Reason)>> _send;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DnsMetrics _metrics;
    private readonly DnsCache? _cache;
    private readonly ConcurrentDictionary<(string Name, DnsRecordType Type), Task<DnsAnswer>> _inFlight = new();
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">The options; validated here (<see cref="ArgumentException"/> lists every problem).</param>
    /// <param name="timeProvider">The clock for cache expiry; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">The logger; none by default.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a private meter by default.</param>
    public DnsResolver(DnsOptions options, TimeProvider? timeProvider = null, ILogger<DnsResolver>? logger = null, IMeterFactory? meterFactory = null)
        : this(options, null, timeProvider, logger, meterFactory)
    {
    }

    internal DnsResolver(
        DnsOptions options,
        Func<string, DnsRecordType, CancellationToken, Task<(DnsAnswer Answer, string? Reason)>>? send,
        TimeProvider? timeProvider,
        ILogger? logger,
        IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new DnsMetrics(meterFactory);
        _cache = options.UseCache ? new DnsCache(options.CacheMaxEntries, _time) : null;
        if (send is null)
        {
            var transport = new DnsClientTransport(options);
            _send = transport.QueryAsync;
            DnsLog.Configured(_logger, transport.ServersDescription, options.Timeout, options.Retries, options.UseCache);
        }
        else
        {
            _send = send;
        }
    }

    /// <summary>The number of answers in the cache.</summary>
    public int CachedCount => _cache?.Count ?? 0;

    /// <inheritdoc/>
    public async ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var key = (DnsName.Normalize(name), type);
        var typeTag = new KeyValuePair<string, object?>("type", type.ToString());
        if (_cache is not null && _cache.TryGet(key.Item1, type, out var cached))
        {
            _metrics.CacheHits.Add(1, typeTag);
            return cached;
        }

        if (_cache is not null)
        {
            _metrics.CacheMisses.Add(1, typeTag);
        }

        var mine = new TaskCompletionSource<DnsAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _inFlight.GetOrAdd(key, mine.Task);
        if (task != mine.Task)
        {
            _metrics.Coalesced.Add(1, typeTag);
        }
        else
        {
            _ = SendAsync(key, mine);
        }

        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops in-flight queries and releases the meter.</summary>
    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _disposed.Dispose();
            _metrics.Dispose();
        }
    }

    // Runs detached from any caller's token: other callers may be waiting on the same query.
    private async Task SendAsync((string Name, DnsRecordType Type) key, TaskCompletionSource<DnsAnswer> completion)
    {
        try
        {
            var typeTag = new KeyValuePair<string, object?>("type", key.Type.ToString());
            _metrics.Queries.Add(1, typeTag);
            var started = _time.GetTimestamp();
            var (answer, reason) = await _send(key.Name, key.Type, _disposed.Token).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            var statusTag = new KeyValuePair<string, object?>("status", answer.Status.ToString());
            _metrics.Duration.Record(elapsed.TotalSeconds, typeTag, statusTag);
            if (answer.IsFailure)
            {
                _metrics.Failures.Add(1, typeTag, statusTag);
                DnsLog.Failed(_logger, key.Name, key.Type, answer.Status, reason ?? answer.Status.ToString());
            }
            else
            {
                DnsLog.Answered(_logger, key.Name, key.Type, answer.Status, elapsed.TotalMilliseconds);
            }

            _cache?.Set(answer, CacheTime(answer));
            completion.TrySetResult(answer);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            completion.TrySetCanceled();
        }
        catch (Exception ex)
        {
            // A bug, not a DNS outcome (the transport maps every DNS and socket failure to a status).
            completion.TrySetException(ex);
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, completion.Task));
        }
    }

    private TimeSpan CacheTime(DnsAnswer answer) => answer.Status switch
    {
        DnsStatus.Success => Min(answer.Ttl, _options.MaxTtl),
        DnsStatus.NxDomain or DnsStatus.NoData => Min(answer.Ttl, _options.MaxNegativeTtl),
        _ => _options.FailureTtl,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
