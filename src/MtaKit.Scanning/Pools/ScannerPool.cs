using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit.Scanning;

/// <summary>
/// Several endpoints of one kind (clamd, spamd or rspamd) behind one <see cref="IScanner"/>, with
/// Exim <c>spamd_address</c> semantics: the highest priority that has an endpoint up gets the scans,
/// spread by weighted random choice. Each endpoint has a concurrency cap. An endpoint that fails
/// (a transient error, or no answer within <see cref="ScannerPoolOptions.ScanTimeout"/>) is rested
/// with exponential backoff and then probed with one scan; the scan fails over to the next endpoint
/// within <see cref="ScannerPoolOptions.TotalBudget"/>. When no endpoint answers the result is
/// <see cref="ScanVerdict.Unavailable"/> and the caller applies its <see cref="ScanFailPolicy"/>.
/// Thread-safe.
/// </summary>
public sealed class ScannerPool : IScanner, IDisposable
{
    private readonly ScannerPoolOptions _options;
    private readonly PoolEndpoint[] _endpoints;
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <summary>Creates a pool.</summary>
    /// <param name="options">Timeouts, budget and backoff.</param>
    /// <param name="members">The endpoints (at least one).</param>
    /// <param name="timeProvider">The clock for timeouts, budget and rests; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="random">The source of the weighted choice (seed it in tests); a shared one when null.</param>
    /// <param name="logger">Receives rest/recovery/unavailable events.</param>
    public ScannerPool(ScannerPoolOptions options, IEnumerable<ScannerPoolMember> members, TimeProvider? timeProvider = null, Random? random = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(members);
        options.Validate();
        _endpoints = [.. members.Select(m =>
        {
            ArgumentNullException.ThrowIfNull(m);
            ArgumentOutOfRangeException.ThrowIfLessThan(m.Weight, 1, nameof(m.Weight));
            ArgumentOutOfRangeException.ThrowIfLessThan(m.MaxConcurrency, 1, nameof(m.MaxConcurrency));
            return new PoolEndpoint(m);
        })];
        if (_endpoints.Length == 0)
        {
            throw new ArgumentException("A scanner pool needs at least one endpoint.", nameof(members));
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>A snapshot of every endpoint's health.</summary>
    public IReadOnlyList<ScannerEndpointHealth> Health
    {
        get
        {
            var now = _timeProvider.GetUtcNow();
            lock (_lock)
            {
                return [.. _endpoints.Select(e => new ScannerEndpointHealth(
                    e.Name, e.Member.Priority, e.Member.Weight, e.ConsecutiveFailures,
                    e.ConsecutiveFailures > 0 && e.RestUntil > now ? e.RestUntil : null,
                    e.Member.MaxConcurrency - e.Slots.CurrentCount))];
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _timeProvider.GetTimestamp();
        var tried = new HashSet<PoolEndpoint>();
        string reason = "no endpoint is available (all resting)";
        while (true)
        {
            var remaining = _options.TotalBudget - _timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return Unavailable(started, $"the budget of {_options.TotalBudget.TotalSeconds:0.###} s is spent; last: {reason}");
            }

            var endpoint = await AcquireAsync(tried, remaining, cancellationToken).ConfigureAwait(false);
            if (endpoint is null)
            {
                return Unavailable(started, tried.Count == 0 ? reason : "every endpoint failed; last: " + reason);
            }

            tried.Add(endpoint);
            ScanResult result;
            try
            {
                result = await AttemptAsync(endpoint, request, TimeSpan.FromTicks(Math.Min(_options.ScanTimeout.Ticks, remaining.Ticks)), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // the caller gave up: the probe (if this was one) proved nothing either way
                lock (_lock)
                {
                    endpoint.Probing = false;
                }

                throw;
            }
            finally
            {
                endpoint.Slots.Release();
            }

            ScanningMetrics.Record(result);
            if (result.Verdict == ScanVerdict.Error && result.IsTransient)
            {
                reason = $"{endpoint.Name}: {result.Reason}";
                MarkFailed(endpoint, result.Reason);
                ScanningMetrics.Failovers.Add(1, new KeyValuePair<string, object?>("scanner", endpoint.Name));
                ScanningLog.Failover(_logger, endpoint.Name, result.Reason);
                continue;
            }

            MarkAnswered(endpoint);
            return result;
        }
    }

    /// <summary>Picks the endpoint the next scan would go to (ignoring concurrency), or null when all rest. For tests and diagnostics.</summary>
    internal string? Pick()
    {
        lock (_lock)
        {
            return Choose([], _timeProvider.GetUtcNow(), requireFreeSlot: false)?.Name;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }

    private async ValueTask<ScanResult> AttemptAsync(PoolEndpoint endpoint, ScanRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var attempt = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token);
        try
        {
            return await endpoint.Member.Scanner.ScanAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ScanResult.Error(endpoint.Name, _timeProvider.GetElapsedTime(started), $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>Takes a slot on the best endpoint not yet tried; waits for a slot when every candidate is busy.</summary>
    private async ValueTask<PoolEndpoint?> AcquireAsync(HashSet<PoolEndpoint> tried, TimeSpan remaining, CancellationToken cancellationToken)
    {
        PoolEndpoint? busy;
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            var free = Choose(tried, now, requireFreeSlot: true);
            if (free is not null && free.Slots.Wait(0, CancellationToken.None))
            {
                MarkProbing(free);
                return free;
            }

            busy = free ?? Choose(tried, now, requireFreeSlot: false);
        }

        if (busy is null)
        {
            return null;
        }

        using var budget = new CancellationTokenSource(remaining, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            await busy.Slots.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        lock (_lock)
        {
            MarkProbing(busy);
        }

        return busy;
    }

    /// <summary>The highest priority with a selectable endpoint, then a weighted random choice within it. Call under the lock.</summary>
    private PoolEndpoint? Choose(HashSet<PoolEndpoint> tried, DateTimeOffset now, bool requireFreeSlot)
    {
        PoolEndpoint[]? best = null;
        foreach (var group in _endpoints.GroupBy(e => e.Member.Priority).OrderByDescending(g => g.Key))
        {
            var candidates = group.Where(e => !tried.Contains(e) && e.IsSelectable(now) && (!requireFreeSlot || e.Slots.CurrentCount > 0)).ToArray();
            if (candidates.Length > 0)
            {
                best = candidates;
                break;
            }
        }

        if (best is null)
        {
            return null;
        }

        var total = best.Sum(e => e.Member.Weight);
        var pick = NextRandom(total);
        foreach (var endpoint in best)
        {
            pick -= endpoint.Member.Weight;
            if (pick < 0)
            {
                return endpoint;
            }
        }

        return best[^1];
    }

    private int NextRandom(int maxExclusive)
    {
        // a seeded Random is not thread-safe; Random.Shared is
        if (ReferenceEquals(_random, Random.Shared))
        {
            return _random.Next(maxExclusive);
        }

        lock (_random)
        {
            return _random.Next(maxExclusive);
        }
    }

    private static void MarkProbing(PoolEndpoint endpoint)
    {
        if (endpoint.ConsecutiveFailures > 0)
        {
            endpoint.Probing = true;
        }
    }

    private void MarkFailed(PoolEndpoint endpoint, string? reason)
    {
        TimeSpan rest;
        int failures;
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            if (endpoint.ConsecutiveFailures > 0 && endpoint.RestUntil > now)
            {
                // a scan that was already in flight when the endpoint was rested: one outage, one failure
                return;
            }

            failures = ++endpoint.ConsecutiveFailures;
            var factor = Math.Pow(2, Math.Min(failures - 1, 30));
            rest = TimeSpan.FromTicks((long)Math.Min(_options.InitialBackoff.Ticks * factor, _options.MaxBackoff.Ticks));
            endpoint.RestUntil = now + rest;
            endpoint.Probing = false;
        }

        ScanningLog.EndpointRested(_logger, endpoint.Name, reason, rest.TotalSeconds, failures);
    }

    private void MarkAnswered(PoolEndpoint endpoint)
    {
        int failures;
        lock (_lock)
        {
            failures = endpoint.ConsecutiveFailures;
            endpoint.ConsecutiveFailures = 0;
            endpoint.Probing = false;
        }

        if (failures > 0)
        {
            ScanningLog.EndpointRecovered(_logger, endpoint.Name, failures);
        }
    }

    private ScanResult Unavailable(long started, string reason)
    {
        ScanningMetrics.Unavailable.Add(1, new KeyValuePair<string, object?>("pool", Name));
        ScanningLog.PoolUnavailable(_logger, Name, reason);
        var result = ScanResult.Unavailable(Name, _timeProvider.GetElapsedTime(started), reason);
        ScanningMetrics.Scans.Add(1, new("scanner", Name), new("verdict", result.Verdict.ToString()));
        return result;
    }
}
