using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Reuses <see cref="SmtpClientConnection"/>s per endpoint for queued delivery: bounded concurrency
/// per endpoint, a message limit per connection, an idle timeout, and a health check (socket still
/// open, then RSET) before a pooled connection is reused. One pool per route (one set of client options).
/// </summary>
public sealed class SmtpClientPool : IAsyncDisposable
{
    private static readonly TimeSpan QuitBudget = TimeSpan.FromSeconds(10);

    private readonly SmtpClientOptions _options;
    private readonly SmtpClientPoolOptions _poolOptions;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<SmtpClientEndpoint, EndpointSlots> _endpoints = new();
    private readonly ITimer _sweeper;
    private int _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="options">The client options of the route; validated here.</param>
    /// <param name="poolOptions">The pool options, or <see langword="null"/> for the defaults; validated here.</param>
    /// <param name="logger">Where connection events are logged, or <see langword="null"/>.</param>
    public SmtpClientPool(SmtpClientOptions options, SmtpClientPoolOptions? poolOptions = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        poolOptions ??= new SmtpClientPoolOptions();
        poolOptions.Validate();
        _options = options;
        _poolOptions = poolOptions;
        _logger = logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _sweeper = _time.CreateTimer(static state => ((SmtpClientPool)state!).Sweep(), this, poolOptions.IdleTimeout, poolOptions.IdleTimeout);
    }

    /// <summary>How many idle connections the pool holds, over all endpoints.</summary>
    public int IdleConnections => _endpoints.Values.Sum(e => e.IdleCount);

    /// <summary>
    /// Rents a connection to <paramref name="endpoint"/>: waits for a free slot, reuses a healthy
    /// idle connection or opens a new one. Connection failures are a lease without a connection.
    /// </summary>
    /// <param name="endpoint">The peer.</param>
    /// <param name="cancellationToken">Cancels the wait or the connection attempt.</param>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpClientLease> RentAsync(SmtpClientEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var slots = _endpoints.GetOrAdd(endpoint, static (_, max) => new EndpointSlots(max), _poolOptions.MaxConnectionsPerEndpoint);
        await slots.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (slots.TryTakeIdle(out var idle, out var since))
            {
                if (_time.GetUtcNow() - since > _poolOptions.IdleTimeout || !idle.LooksAlive())
                {
                    await CloseAsync(idle).ConfigureAwait(false);
                    continue;
                }

                if (_poolOptions.ResetBeforeReuse && !(await idle.RsetAsync(cancellationToken).ConfigureAwait(false)).IsPositive)
                {
                    await CloseAsync(idle).ConfigureAwait(false);
                    continue;
                }

                return new SmtpClientLease(this, slots, idle, null, false, isReused: true);
            }

            var result = await SmtpClientConnection.ConnectValidatedAsync(endpoint, _options, _logger, cancellationToken).ConfigureAwait(false);
            return new SmtpClientLease(this, slots, result.Connection, result.Succeeded ? null : result.Reply, result.IsPeerReply, isReused: false);
        }
        catch
        {
            slots.Semaphore.Release();
            throw;
        }
    }

    /// <summary>Sends one message over a pooled connection (see <see cref="SmtpClientConnection.SendAsync"/>).</summary>
    /// <param name="endpoint">The peer.</param>
    /// <param name="envelope">Sender, recipients and MAIL parameters.</param>
    /// <param name="content">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>
    /// One result per envelope recipient; a connection failure gives every recipient its reply
    /// (phase <see cref="DeliveryPhase.Connect"/>). A reused connection that turns out dead before
    /// the peer answered anything is retried once on a new connection.
    /// </returns>
    public async ValueTask<IReadOnlyList<DeliveryResult>> SendAsync(SmtpClientEndpoint endpoint, SmtpClientEnvelope envelope, IMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(content);
        for (var attempt = 0; ; attempt++)
        {
            var lease = await RentAsync(endpoint, cancellationToken).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                if (!lease.Succeeded)
                {
                    var failed = envelope.Recipients.Select(r => new DeliveryResult(r, lease.Failure, DeliveryPhase.Connect, lease.IsFailurePeerReply)).ToArray();
                    foreach (var result in failed)
                    {
                        SmtpClientMetrics.Count(result.Status);
                    }

                    return failed;
                }

                var results = await lease.Connection.SendAsync(envelope, content, cancellationToken).ConfigureAwait(false);

                // A pooled connection the peer dropped meanwhile fails before any reply to this
                // transaction: nothing was delivered, so one retry on a fresh connection is safe.
                if (attempt > 0 || !lease.IsReused || lease.Connection.Fault is null
                    || results.Any(r => r.IsPeerReply || r.Phase == DeliveryPhase.Data))
                {
                    return results;
                }
            }
        }
    }

    /// <summary>Closes every idle connection (with QUIT) and refuses further rents; leased connections close when returned.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var slots in _endpoints.Values)
        {
            foreach (var connection in slots.TakeAllIdle(_ => true))
            {
                await CloseAsync(connection).ConfigureAwait(false);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask ReturnAsync(object slot, SmtpClientConnection? connection)
    {
        var slots = (EndpointSlots)slot;
        try
        {
            if (connection is null)
            {
                return;
            }

            if (connection.IsUsable && connection.InTransaction)
            {
                using var budget = new CancellationTokenSource(QuitBudget, _time);
                try
                {
                    await connection.RsetAsync(budget.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // the connection closed itself; it is not pooled
                }
            }

            if (connection.IsUsable && !connection.InTransaction && Volatile.Read(ref _disposed) == 0
                && connection.CompletedTransactions < _poolOptions.MaxMessagesPerConnection)
            {
                slots.AddIdle(connection, _time.GetUtcNow());
            }
            else
            {
                await CloseAsync(connection).ConfigureAwait(false);
            }
        }
        finally
        {
            slots.Semaphore.Release();
        }
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var slots in _endpoints.Values)
        {
            foreach (var connection in slots.TakeAllIdle(since => now - since > _poolOptions.IdleTimeout))
            {
                _ = CloseAsync(connection).AsTask();
            }
        }
    }

    private async ValueTask CloseAsync(SmtpClientConnection connection)
    {
        // QUIT is a courtesy: bounded, and a dead peer only costs the budget.
        using var budget = new CancellationTokenSource(QuitBudget, _time);
        try
        {
            await connection.QuitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The concurrency slots and idle connections of one endpoint.</summary>
    private sealed class EndpointSlots(int maxConnections)
    {
        private readonly Stack<(SmtpClientConnection Connection, DateTimeOffset Since)> _idle = new();

        public SemaphoreSlim Semaphore { get; } = new(maxConnections, maxConnections);

        public int IdleCount
        {
            get
            {
                lock (_idle)
                {
                    return _idle.Count;
                }
            }
        }

        public void AddIdle(SmtpClientConnection connection, DateTimeOffset since)
        {
            lock (_idle)
            {
                _idle.Push((connection, since));
            }
        }

        public bool TryTakeIdle([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SmtpClientConnection? connection, out DateTimeOffset since)
        {
            lock (_idle)
            {
                if (_idle.TryPop(out var entry))
                {
                    (connection, since) = entry;
                    return true;
                }
            }

            connection = null;
            since = default;
            return false;
        }

        public List<SmtpClientConnection> TakeAllIdle(Func<DateTimeOffset, bool> expired)
        {
            lock (_idle)
            {
                var all = _idle.ToArray();
                _idle.Clear();
                var taken = new List<SmtpClientConnection>();
                for (var i = all.Length - 1; i >= 0; i--)
                {
                    if (expired(all[i].Since))
                    {
                        taken.Add(all[i].Connection);
                    }
                    else
                    {
                        _idle.Push(all[i]);
                    }
                }

                return taken;
            }
        }
    }
}
