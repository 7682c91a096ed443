using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Routing;

namespace MtaKit.Queueing;

/// <summary>
/// Delivers what a tier holds: recovers the spool at start, keeps every message in the scheduler
/// ordered by its next attempt (never a scan of the spool per run), delivers through the routing
/// table with connection reuse and retry hints shared by all messages to a host, reschedules by the
/// tier's retry rules, hands a message to the next tier when its window (from its original arrival)
/// ends, and at the last tier returns it to the sender as a DSN.
/// </summary>
public sealed partial class QueueRunner : IAsyncDisposable
{
    private readonly QueueTier _tier;
    private readonly IMessageSpool _spool;
    private readonly IRouteResolver _routes;
    private readonly QueueRunnerOptions _options;
    private readonly ITierPolicy _policy;
    private readonly IRetryHints _hints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DsnComposer _dsn;
    private readonly SmtpClientPool _pool;
    private readonly Lazy<SmtpClientPool>? _stsPool;
    private readonly SmtpClientPool _lmtpPool;
    private readonly ConcurrentDictionary<QueueId, SpoolEntry> _entries = new();
    private readonly ConcurrentDictionary<QueueId, bool> _inFlight = new();
    private readonly ConcurrentDictionary<QueueId, bool> _rerun = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <summary>Creates the runner; nothing runs until <see cref="StartAsync"/>.</summary>
    public QueueRunner(QueueTier tier, IMessageSpool spool, IRouteResolver routes, QueueRunnerOptions options, ITierPolicy? policy = null, IRetryHints? hints = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(options);
        _tier = tier;
        _spool = spool;
        _routes = routes;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _policy = policy ?? TierPolicies.CreateDefault();
        _hints = hints ?? new InMemoryRetryHints(_time);
        _logger = logger ?? NullLogger.Instance;
        _dsn = new DsnComposer(new DsnOptions { ReportingMta = options.HostName }, _time);
        var client = options.Client with { HeloName = options.HostName, TimeProvider = options.IoTimeProvider ?? _time, ValidateCertificate = false };
        _pool = new SmtpClientPool(client with { Protocol = SmtpClientProtocol.Smtp }, options.Pool, _logger);
        _lmtpPool = new SmtpClientPool(client with { Protocol = SmtpClientProtocol.Lmtp }, options.Pool, _logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MxPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MxPort, 65535);
        _slots = new SemaphoreSlim(options.MaxParallelDeliveries);
        _stsPool = options.MtaSts is null ? null : new Lazy<SmtpClientPool>(() => new SmtpClientPool(client with { Protocol = SmtpClientProtocol.Smtp, TlsMode = SmtpClientTlsMode.Required, ValidateCertificate = true }, options.Pool, _logger));
        Scheduler = new QueueScheduler(_time);
    }

    /// <summary>The scheduler (next attempt per message).</summary>
    public QueueScheduler Scheduler { get; }

    /// <summary>The spool this runner delivers from.</summary>
    public IMessageSpool Spool => _spool;

    /// <summary>The tier this runner serves.</summary>
    public QueueTier Tier => _tier;

    /// <summary>The tier policy deciding attempts, hand-off and expiry.</summary>
    public ITierPolicy Policy => _policy;

    /// <summary>Completes once the spool has been recovered (accepting mail before that would race recovery).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Messages held now.</summary>
    public int Count => _entries.Count;

    /// <summary>A snapshot of the messages held (for queue administration).</summary>
    public IReadOnlyList<SpoolEntry> List() => [.. _entries.Values.OrderBy(e => e.NextAttempt)];

    /// <summary>Recovers the spool and starts delivering.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var entry in _spool.RecoverAsync(cancellationToken).ConfigureAwait(false))
        {
            _entries[entry.Id] = entry;
            Schedule(entry);
            QueueLog.Recovered(_logger, entry.Id, _tier.Name, entry.NextAttempt);
        }

        _ready.TrySetResult();
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Takes a newly spooled message into the schedule.</summary>
    public void Enqueue(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries[entry.Id] = entry;
        Schedule(entry);
    }

    /// <summary>Schedules a message for an attempt now (admin "retry now"); false when unknown.</summary>
    public bool RetryNow(QueueId id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return false;
        }

        _entries[id] = entry with { NextAttempt = _time.GetUtcNow() };
        Scheduler.Schedule(id, _time.GetUtcNow());
        return true;
    }

    /// <summary>Freezes (no attempts, no hand-off) or thaws a message; false when unknown.</summary>
    public async ValueTask<bool> SetFrozenAsync(QueueId id, bool frozen, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return false;
        }

        var updated = entry with { Frozen = frozen, NextAttempt = frozen ? entry.NextAttempt : _time.GetUtcNow() };
        await _spool.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        _entries[id] = updated;
        if (frozen)
        {
            Scheduler.Remove(id);
        }
        else
        {
            Schedule(updated);
        }

        return true;
    }

    /// <summary>Removes a message without delivering it (admin); false when unknown.</summary>
    public async ValueTask<bool> RemoveAsync(QueueId id, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryRemove(id, out _))
        {
            return false;
        }

        Scheduler.Remove(id);
        await _spool.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops taking new work and waits for deliveries in progress.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        for (var i = 0; i < _options.MaxParallelDeliveries; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }

        _slots.Release(_options.MaxParallelDeliveries);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
        if (_stsPool is { IsValueCreated: true } sts)
        {
            await sts.Value.DisposeAsync().ConfigureAwait(false);
        }
        await _lmtpPool.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _slots.Dispose();
    }

    private void Schedule(SpoolEntry entry)
    {
        if (!entry.Frozen)
        {
            Scheduler.Schedule(entry.Id, entry.NextAttempt);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var id in Scheduler.ReadDueAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_inFlight.TryAdd(id, true))
                {
                    // Due again while its attempt still runs (the attempt rescheduled it to a time that has
                    // already passed, or an admin asked to retry now): run it once the attempt is over.
                    _rerun.TryAdd(id, true);
                    continue;
                }

                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                _ = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await ProcessAsync(id, CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            _inFlight.TryRemove(id, out _);
                            if (_rerun.TryRemove(id, out _) && _entries.TryGetValue(id, out var current) && !current.Frozen)
                            {
                                Scheduler.Schedule(id, current.NextAttempt);
                            }

                            _slots.Release();
                        }
                    },
                    CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Works on one message now: attempt, hand off or expire, as the tier policy decides.</summary>
    public async Task ProcessAsync(QueueId id, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return;
        }

        try
        {
            var content = await _spool.OpenContentAsync(id, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                _entries.TryRemove(id, out _);
                return;
            }

            var now = _time.GetUtcNow();
            var decision = _policy.Decide(new TierPolicyContext { Tier = _tier, Entry = entry, Now = now });
            switch (decision.Action)
            {
                case TierAction.Attempt:
                    await AttemptAsync(entry, content, decision.SendDelayWarning, cancellationToken).ConfigureAwait(false);
                    break;
                case TierAction.HandOff:
                    await HandOffAsync(entry, content, cancellationToken).ConfigureAwait(false);
                    break;
                case TierAction.Expire:
                    await ExpireAsync(entry, content, decision.Reason, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (decision.SendDelayWarning)
                    {
                        entry = await DelayWarningAsync(entry, content, cancellationToken).ConfigureAwait(false);
                    }

                    await RescheduleAsync(entry with { NextAttempt = decision.NextAttempt }, decision.Reason, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            QueueLog.Fault(_logger, e, id);
            Scheduler.Schedule(id, _time.GetUtcNow().AddMinutes(1));
        }
    }

    private async Task AttemptAsync(SpoolEntry entry, IMessageContent content, bool delayWarning, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var recipients = entry.Envelope.Recipients.ToList();
        DeliveryResult? firstTransient = null;
        string? transientDomain = null;
        DateTimeOffset? hostFirstFailure = null;

        // Group pending recipients by destination: one SMTP transaction per destination.
        var groups = new Dictionary<string, (RouteMatch Match, string Domain, List<int> Indexes)>(StringComparer.Ordinal);
        for (var i = 0; i < recipients.Count; i++)
        {
            if (recipients[i].State != RecipientState.Pending)
            {
                continue;
            }

            var match = Mailbox.TryParse(recipients[i].Address, out var mailbox, out _) ? await _routes.ResolveAsync(mailbox, cancellationToken).ConfigureAwait(false) : null;
            if (match is null)
            {
                recipients[i] = recipients[i] with { State = RecipientState.Failed, LastReply = new SmtpReply(550, "5.4.4", "Unable to route: no route for the recipient's domain") };
                continue;
            }

            // MX destinations differ per recipient domain; other routes share their next hops.
            var key = match.NextHops.Any(h => h.Kind == NextHopKind.Mx) ? match.DestinationKey + "|" + mailbox!.AsciiDomain : match.DestinationKey;
            if (!groups.TryGetValue(key, out var group))
            {
                group = (match, mailbox!.AsciiDomain, []);
                groups[key] = group;
            }

            group.Indexes.Add(i);
        }

        foreach (var (match, domain, indexes) in groups.Values)
        {
            var envelope = new SmtpClientEnvelope(entry.Envelope.ReversePath, [.. indexes.Select(i => new SmtpClientRecipient(recipients[i].Address) { Notify = recipients[i].Notify, OriginalRecipient = recipients[i].OriginalRecipient })])
            {
                Parameters = new SmtpClientMailParameters { Body = entry.Envelope.BodyType, RequiresSmtpUtf8 = entry.Envelope.SmtpUtf8, DsnReturn = entry.Envelope.Return, EnvelopeId = entry.Envelope.EnvelopeId, Size = content.Length },
            };
            IReadOnlyList<DeliveryResult>? results = null;
            string? host = null;
            foreach (var hop in match.NextHops)
            {
                var attempt = hop.Kind == NextHopKind.Mx
                    ? await SendByMxAsync(entry.Id, domain, match, envelope, content, now, cancellationToken).ConfigureAwait(false)
                    : await SendToHostAsync(entry.Id, hop.Text, [Endpoint(hop)], PoolFor(hop), match, envelope, content, now, cancellationToken).ConfigureAwait(false);
                results = attempt.InBackoff ? results ?? attempt.Results : attempt.Results;
                hostFirstFailure ??= attempt.HostFirstFailure;
                host = attempt.Host;
                if (attempt.Final)
                {
                    break;
                }
            }

            for (var k = 0; k < indexes.Count; k++)
            {
                var result = results![k];
                var i = indexes[k];
                QueueLog.Attempt(_logger, entry.Id, _tier.Name, entry.Attempts + 1, host ?? "?", recipients[i].Address, result.Status, result.Reply, result.QueueId);
                recipients[i] = recipients[i] with
                {
                    State = result.Status switch { DeliveryStatus.Accepted => RecipientState.Delivered, DeliveryStatus.Permanent => RecipientState.Failed, _ => RecipientState.Pending },
                    LastReply = result.Reply,
                    PeerQueueId = result.Status == DeliveryStatus.Accepted ? result.QueueId : recipients[i].PeerQueueId,
                };
                if (result.Status == DeliveryStatus.Transient && firstTransient is null)
                {
                    firstTransient = result;
                    transientDomain = recipients[i].Address[(recipients[i].Address.LastIndexOf('@') + 1)..];
                }
            }
        }

        var newlyFailed = recipients.Where((r, i) => r.State == RecipientState.Failed && entry.Envelope.Recipients[i].State != RecipientState.Failed).ToList();
        var updated = entry with
        {
            Envelope = entry.Envelope with { Recipients = recipients },
            Attempts = entry.Attempts + 1,
            LastAttempt = now,
        };
        if (newlyFailed.Count > 0)
        {
            await SendDsnAsync(DsnKind.Failure, updated with { Envelope = updated.Envelope with { Recipients = newlyFailed } }, content, null, cancellationToken).ConfigureAwait(false);
        }

        if (firstTransient is null)
        {
            await CompleteAsync(updated, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (delayWarning)
        {
            updated = await DelayWarningAsync(updated, content, cancellationToken).ConfigureAwait(false);
        }

        var failure = new DeliveryFailure
        {
            Domain = transientDomain!,
            Kind = RetryErrorClassifier.Classify(firstTransient),
            Error = firstTransient.Reply.ToString(),
            HostFirstFailure = hostFirstFailure,
        };
        updated = updated with { FirstFailure = updated.FirstFailure ?? now, LastError = failure.Error };
        var decision = _policy.Decide(new TierPolicyContext { Tier = _tier, Entry = updated, Now = now, Failure = failure });
        switch (decision.Action)
        {
            case TierAction.HandOff:
                await HandOffAsync(updated, content, cancellationToken).ConfigureAwait(false);
                break;
            case TierAction.Expire:
                await ExpireAsync(updated, content, decision.Reason, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await RescheduleAsync(updated with { NextAttempt = decision.NextAttempt }, decision.Reason ?? failure.Error, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task HandOffAsync(SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken)
    {
        var pending = entry.Envelope.Recipients.Where(r => r.State == RecipientState.Pending).ToList();
        var remaining = pending.Select(r => r.Address).ToHashSet(StringComparer.Ordinal);
        var handOff = TierHandOffParameter.Encode(TierHandOff.FromEntry(entry, _tier.Name));
        foreach (var target in _tier.NextTier)
        {
            if (remaining.Count == 0)
            {
                break;
            }

            if (!NextHop.TryParse(target, 0, out var hop, out _))
            {
                continue;
            }

            var envelope = new SmtpClientEnvelope(entry.Envelope.ReversePath, [.. pending.Where(r => remaining.Contains(r.Address)).Select(r => new SmtpClientRecipient(r.Address) { Notify = r.Notify, OriginalRecipient = r.OriginalRecipient })])
            {
                Parameters = new SmtpClientMailParameters
                {
                    Body = entry.Envelope.BodyType,
                    RequiresSmtpUtf8 = entry.Envelope.SmtpUtf8,
                    DsnReturn = entry.Envelope.Return,
                    EnvelopeId = entry.Envelope.EnvelopeId,
                    Extensions = new Dictionary<string, string> { [TierHandOffParameter.Name] = handOff },
                },
            };
            var results = await _pool.SendAsync(Endpoint(hop), envelope, content, cancellationToken).ConfigureAwait(false);
            var took = results.Where(r => r.Status == DeliveryStatus.Accepted).Select(r => r.Recipient.ForwardPath).ToList();
            if (took.Count > 0)
            {
                QueueLog.HandedOff(_logger, entry.Id, _tier.Name, target, took.Count);
                remaining.ExceptWith(took);
            }
        }

        if (remaining.Count == 0)
        {
            await DeleteAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        var recipients = entry.Envelope.Recipients.Select(r => r.State == RecipientState.Pending && !remaining.Contains(r.Address) ? r with { State = RecipientState.Delivered } : r).ToList();
        var next = _time.GetUtcNow() + _options.HandOffRetry;
        QueueLog.HandOffFailed(_logger, entry.Id, _tier.Name, $"{remaining.Count} recipient(s) not taken by any next tier", next);
        await RescheduleAsync(entry with { Envelope = entry.Envelope with { Recipients = recipients }, NextAttempt = next }, "hand-off failed", cancellationToken).ConfigureAwait(false);
    }

    private async Task ExpireAsync(SpoolEntry entry, IMessageContent content, string? reason, CancellationToken cancellationToken)
    {
        QueueLog.Expired(_logger, entry.Id, _tier.Name, reason);
        var failed = entry.Envelope.Recipients
            .Where(r => r.State == RecipientState.Pending)
            .Select(r => r with { State = RecipientState.Failed, LastReply = r.LastReply is { IsTransient: true } last ? new SmtpReply(550, "5.4.7", "Delivery time expired: " + last) : r.LastReply ?? new SmtpReply(550, "5.4.7", "Delivery time expired") })
            .ToList();
        if (failed.Count > 0)
        {
            await SendDsnAsync(DsnKind.Failure, entry with { Envelope = entry.Envelope with { Recipients = failed } }, content, null, cancellationToken).ConfigureAwait(false);
        }

        await DeleteAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SpoolEntry> DelayWarningAsync(SpoolEntry entry, IMessageContent content, CancellationToken cancellationToken)
    {
        await SendDsnAsync(DsnKind.Delay, entry, content, _tier.WindowEnd(entry), cancellationToken).ConfigureAwait(false);
        var updated = entry with { DelayWarningSent = true };
        await _spool.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        _entries[entry.Id] = updated;
        return updated;
    }

    /// <summary>DSNs are spooled and delivered like any message (from the null sender, so they never loop).</summary>
    private async Task SendDsnAsync(DsnKind kind, SpoolEntry entry, IMessageContent content, DateTimeOffset? willRetryUntil, CancellationToken cancellationToken)
    {
        var dsn = await _dsn.ComposeAsync(kind, entry, content, willRetryUntil, cancellationToken).ConfigureAwait(false);
        if (dsn is null)
        {
            return;
        }

        if (_options.SuppressDsnForUnvalidatedSenders && entry.SenderValidation == SenderValidation.NotValidated)
        {
            // Likely backscatter: the sender address was never shown to belong to whoever sent the mail.
            QueueLog.DsnSuppressed(_logger, entry.Id, kind, dsn.Recipient);
            QueueingMetrics.DsnSuppressed(kind);
            return;
        }

        var now = _time.GetUtcNow();
        var dsnEntry = new SpoolEntry
        {
            Id = QueueId.NewId(_time, Random.Shared),
            Envelope = new SpoolEnvelope { ReversePath = string.Empty, Recipients = [new SpoolRecipient { Address = dsn.Recipient, Notify = DsnNotify.Never }] },
            OriginalArrival = now,
            TierArrival = now,
            NextAttempt = now,
        };
        await _spool.StoreAsync(dsnEntry, MessageContent.FromMimeMessage(dsn.Message), cancellationToken).ConfigureAwait(false);
        QueueLog.DsnQueued(_logger, entry.Id, kind, dsn.Recipient, dsnEntry.Id);
        Enqueue(dsnEntry);
    }

    private async Task CompleteAsync(SpoolEntry entry, CancellationToken cancellationToken)
    {
        QueueLog.Completed(_logger, entry.Id, _tier.Name, entry.Envelope.Recipients.Count(r => r.State == RecipientState.Delivered), entry.Envelope.Recipients.Count(r => r.State == RecipientState.Failed));
        await DeleteAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAsync(SpoolEntry entry, CancellationToken cancellationToken)
    {
        await _spool.DeleteAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove(entry.Id, out _);
        Scheduler.Remove(entry.Id);
    }

    private async Task RescheduleAsync(SpoolEntry entry, string? reason, CancellationToken cancellationToken)
    {
        // An admin may have removed or frozen the message while this attempt ran: that wins.
        if (!_entries.TryGetValue(entry.Id, out var current))
        {
            return;
        }

        entry = entry with { Frozen = current.Frozen };
        await _spool.UpdateAsync(entry, cancellationToken).ConfigureAwait(false);
        _entries[entry.Id] = entry;
        if (!entry.Frozen && entry.NextAttempt != DateTimeOffset.MaxValue)
        {
            Scheduler.Schedule(entry.Id, entry.NextAttempt);
            QueueLog.Deferred(_logger, entry.Id, _tier.Name, entry.NextAttempt, reason);
        }
    }

    /// <summary>LMTP next hops (<c>lmtp:host:port</c>, <c>lmtp:unix:/path</c>) get per-recipient replies after DATA.</summary>
    private SmtpClientPool PoolFor(NextHop hop) => hop.Kind is NextHopKind.Lmtp or NextHopKind.LmtpUnix ? _lmtpPool : _pool;

    private static SmtpClientEndpoint Endpoint(NextHop hop)
        => hop.Kind switch
        {
            NextHopKind.LmtpUnix => SmtpClientEndpoint.Unix(hop.SocketPath!),
            NextHopKind.Mx => throw new NotSupportedException("MX delivery from a tier is not built yet: route to an outbound relay."),
            _ => SmtpClientEndpoint.Tcp(hop.Host!, hop.Port),
        };
}
