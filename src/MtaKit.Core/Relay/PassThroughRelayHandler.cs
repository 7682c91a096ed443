using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Messages.Dsn;
using MtaKit.Routing;

namespace MtaKit.Relay;

/// <summary>
/// The inbound relay's message handler: no queue. The downstream transaction is opened at the
/// first RCPT (Exim-style cutthrough) on the route's next hop, or on a fallback host when no next
/// hop is reachable; every RCPT is passed on and answered with the downstream's own verdict; after
/// the data stages the message streams downstream and the client gets 250 only once a downstream
/// server took responsibility. See docs/relay.md for the LMTP reply table.
/// </summary>
public sealed class PassThroughRelayHandler : IMessageHandler, IAsyncDisposable
{
    private readonly IRouteResolver _routes;
    private readonly PassThroughRelayOptions _options;
    private readonly bool _splitOnRouteChange;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(Route? Route, SmtpClientProtocol Protocol), SmtpClientPool> _pools = new();

    /// <summary>Creates the relay.</summary>
    /// <param name="routes">Where recipients go.</param>
    /// <param name="options">Relay options.</param>
    /// <param name="splitOnRouteChange">Keep one downstream per transaction (recipients of another destination get 452 4.5.3).</param>
    /// <param name="logger">Logging.</param>
    /// <param name="timeProvider">Time.</param>
    public PassThroughRelayHandler(IRouteResolver routes, PassThroughRelayOptions options, bool splitOnRouteChange = true, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(options);
        if (!splitOnRouteChange)
        {
            throw new ArgumentException("MtaKit:Routing:Cutthrough:SplitOnRouteChange=false is not supported yet: a pass-through transaction stays on one downstream.", nameof(splitOnRouteChange));
        }

        _routes = routes;
        _options = options;
        _splitOnRouteChange = splitOnRouteChange;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Idle downstream connections kept for reuse, over all next hops.</summary>
    public int IdleConnections => _pools.Values.Sum(p => p.IdleConnections);

    /// <inheritdoc/>
    public ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context) => new(new Transaction(this, context));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools.Values)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }
    }

    private SmtpClientPool Pool(Route? route, SmtpClientProtocol protocol)
        => _pools.GetOrAdd((route, protocol), key => new SmtpClientPool(
            _options.Client with
            {
                HeloName = _options.HostName,
                Protocol = key.Protocol,
                TimeProvider = _time,
                TlsMode = key.Route?.Tls.Mode switch
                {
                    RouteTlsMode.None => SmtpClientTlsMode.None,
                    RouteTlsMode.Required => SmtpClientTlsMode.Required,
                    _ => SmtpClientTlsMode.Opportunistic,
                },
                ValidateCertificate = key.Route?.Tls.Validate ?? false,
                Credentials = key.Route?.Auth is { } auth ? new SmtpClientCredentials(auth.UserName, auth.Password) : null,
            },
            _options.Pool,
            _logger));

    private static SmtpClientEndpoint Endpoint(NextHop hop)
        => hop.Kind switch
        {
            NextHopKind.LmtpUnix => SmtpClientEndpoint.Unix(hop.SocketPath!),
            NextHopKind.Mx => throw new NotSupportedException("The pass-through relay does not deliver by MX; route 'mx' belongs to the outbound relay."),
            _ => SmtpClientEndpoint.Tcp(hop.Host!, hop.Port),
        };

    private static SmtpClientProtocol Protocol(NextHop hop) => hop.Kind is NextHopKind.Lmtp or NextHopKind.LmtpUnix ? SmtpClientProtocol.Lmtp : SmtpClientProtocol.Smtp;

    /// <summary>A peer reply as our reply: keeps code and text, adds an enhanced code when the peer sent none.</summary>
    private static SmtpReply Mirror(SmtpReply reply)
        => reply.EnhancedCode is not null || reply.Code is < 200 or >= 600 || reply.Code / 100 == 3
            ? reply
            : new SmtpReply(reply.Code, new EnhancedStatusCode(reply.Code / 100, 0, 0), reply.Lines);

    private static SmtpVerdict Verdict(SmtpReply reply, string reason)
        => reply.IsPositive ? SmtpVerdict.Accept(Mirror(reply), reason)
            : reply.IsPermanent ? SmtpVerdict.Reject(Mirror(reply), reason)
            : SmtpVerdict.Defer(Mirror(reply), reason);

    private sealed class Transaction(PassThroughRelayHandler owner, MailContext mail) : IMessageTransaction
    {
        private readonly List<(Recipient? Accepted, SmtpClientRecipient Downstream)> _recipients = [];
        private SmtpClientLease? _lease;
        private NextHop? _hop;
        private RouteMatch? _route;
        private bool _viaFallback;
        private string? _lastReason;
        private int _lastReasonCode;

        private string QueueId => mail.Transaction.Id;

        /// <summary>The verdict reason for a downstream RCPT reply; the last one is reused (recipients mostly get the same code).</summary>
        private string RcptReason(int code)
        {
            if (_lastReasonCode != code || _lastReason is null)
            {
                _lastReason = $"downstream {_hop} said {code}";
                _lastReasonCode = code;
            }

            return _lastReason;
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context)
        {
            var match = await owner._routes.ResolveAsync(context.Recipient, context.Aborted).ConfigureAwait(false);
            if (match is null)
            {
                return SmtpVerdict.Reject(550, "5.7.1", "Relaying denied", "no route for " + context.Recipient.AsciiDomain);
            }

            if (_route is not null && !ReferenceEquals(match.Route, _route.Route) && match.DestinationKey != _route.DestinationKey)
            {
                RelayLog.RouteChange(owner._logger, QueueId, context.Recipient.Address, match.DestinationKey, _route.DestinationKey);
                return SmtpVerdict.Defer(452, "4.5.3", "Recipient of another destination: send it in a new transaction", "route change");
            }

            var downstream = new SmtpClientRecipient(context.Recipient.Address)
            {
                Notify = context.Parameters.Notify,
                OriginalRecipient = context.Parameters.OriginalRecipient,
            };
            SmtpReply reply;
            if (_lease is null)
            {
                var (refusal, first) = await OpenAsync(match, downstream, context.Aborted).ConfigureAwait(false);
                if (refusal is not null)
                {
                    return refusal;
                }

                _route = match;
                reply = first!;
            }
            else
            {
                reply = await _lease.Connection!.RcptAsync(downstream, context.Aborted).ConfigureAwait(false);
            }

            if (reply.IsPositive)
            {
                _recipients.Add((null, downstream));
            }

            return Verdict(reply, RcptReason(reply.Code));
        }

        /// <summary>
        /// Opens the downstream transaction on the first hop (then fallback) that accepts MAIL, with the
        /// first recipient pipelined behind MAIL; returns a refusal, or the reply to that first RCPT.
        /// </summary>
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<(SmtpVerdict? Refusal, SmtpReply? FirstRcpt)> OpenAsync(RouteMatch match, SmtpClientRecipient first, CancellationToken cancellationToken)
        {
            SmtpReply? last = null;

            // The next hops, then the fallback hosts (indexed: no iterator per transaction).
            for (var i = 0; i < match.NextHops.Count + match.FallbackHosts.Count; i++)
            {
                var fallback = i >= match.NextHops.Count;
                var hop = fallback ? match.FallbackHosts[i - match.NextHops.Count] : match.NextHops[i];
                var pool = owner.Pool(fallback ? null : match.Route, fallback ? SmtpClientProtocol.Smtp : Protocol(hop));
                var (lease, reply, rcpt) = await MailOnAsync(pool, hop, first, cancellationToken).ConfigureAwait(false);
                if (!lease.Succeeded)
                {
                    RelayLog.HopFailed(owner._logger, QueueId, hop.Text, lease.Failure!);
                    last = lease.Failure;
                    await lease.DisposeAsync().ConfigureAwait(false);
                    continue;
                }

                if (reply!.IsPositive)
                {
                    _lease = lease;
                    _hop = hop;
                    _viaFallback = fallback;
                    RelayLog.Opened(owner._logger, QueueId, hop.Text, fallback ? "fallback" : "next hop");
                    return (null, rcpt);
                }

                await lease.DisposeAsync().ConfigureAwait(false);
                if (reply.IsPermanent)
                {
                    return (Verdict(reply, $"downstream {hop} refused the sender"), null);
                }

                RelayLog.HopFailed(owner._logger, QueueId, hop.Text, reply);
                last = reply;
            }

            return (SmtpVerdict.Defer(451, "4.4.1", "Next hop unavailable: try again later", "no downstream: " + last), null);
        }

        /// <summary>
        /// Rents a connection to the hop and sends MAIL with the first RCPT. A pooled connection that the peer dropped while
        /// idle fails before any reply to this transaction; it is replaced by a fresh one (at most as many
        /// times as the pool holds connections, then once more), so a stale connection never defers the client.
        /// </summary>
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<(SmtpClientLease Lease, SmtpReply? Mail, SmtpReply? FirstRcpt)> MailOnAsync(SmtpClientPool pool, NextHop hop, SmtpClientRecipient first, CancellationToken cancellationToken)
        {
            for (var attempt = 0; ; attempt++)
            {
                var lease = await pool.RentAsync(Endpoint(hop), cancellationToken).ConfigureAwait(false);
                if (!lease.Succeeded)
                {
                    return (lease, null, null);
                }

                var (reply, rcpt) = await lease.Connection!.MailAndRcptAsync(mail.ReversePath?.Address ?? string.Empty, MailParameters(), first, cancellationToken).ConfigureAwait(false);
                if (reply.IsPositive || !lease.IsReused || lease.Connection.Fault is null || attempt > owner._options.Pool.MaxConnectionsPerEndpoint)
                {
                    return (lease, reply, rcpt);
                }

                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }

        private SmtpClientMailParameters MailParameters() => new()
        {
            Body = mail.Parameters.Body,
            RequiresSmtpUtf8 = mail.Parameters.SmtpUtf8,
            Size = mail.Parameters.Size,
            DsnReturn = mail.Parameters.Return,
            EnvelopeId = mail.Parameters.EnvelopeId,
        };

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<SmtpVerdict> DeliverAsync(DataContext context)
        {
            var received = context.CountHeaders("Received");
            if (received > owner._options.MaxReceivedHeaders)
            {
                return SmtpVerdict.Reject(554, "5.4.6", "Too many Received headers: mail loop?", $"loop: {received} Received headers");
            }

            // The budget bounds the whole DATA exchange with its fallback and DSN; the downstream connection's
            // own deadline is re-armed for it (no linked source and timer per message).
            var budget = _lease!.Connection!.DataBudget;
            var token = budget.Arm(owner._options.DataBudget, context.Aborted, CancellationToken.None);
            try
            {
                return await DeliverWithinBudgetAsync(context, token).ConfigureAwait(false);
            }
            finally
            {
                budget.Disarm();
            }
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<SmtpVerdict> DeliverWithinBudgetAsync(DataContext context, CancellationToken budget)
        {
            var results = await _lease!.Connection!.DataAsync(context.Message, budget).ConfigureAwait(false);
            var acceptedCount = 0;
            string? peerId = null;
            foreach (var result in results)
            {
                if (result.Status == DeliveryStatus.Accepted && acceptedCount++ == 0)
                {
                    peerId = result.QueueId;
                }
            }

            // The usual case (every recipient accepted) filters nothing.
            var allAccepted = acceptedCount == results.Count;
            List<DeliveryResult> transient = allAccepted ? [] : [.. results.Where(r => r.Status == DeliveryStatus.Transient)];
            List<DeliveryResult> permanent = allAccepted ? [] : [.. results.Where(r => r.Status == DeliveryStatus.Permanent)];
            RelayLog.Delivered(owner._logger, QueueId, _hop!.Text, peerId, acceptedCount, results.Count);

            var failedOver = 0;
            if (transient.Count > 0 && !_viaFallback)
            {
                // The next hop could not take these now: hand them to the fallback tier, which will retry.
                var remaining = await FallbackAsync([.. transient.Select(t => t.Recipient)], context.Message, null, budget).ConfigureAwait(false);
                failedOver = transient.Count - remaining.Count;
                transient = [.. transient.Where(t => remaining.Contains(t.Recipient))];
            }

            if (acceptedCount + failedOver == 0)
            {
                // Nothing was taken: mirror the refusal (all the same 5xx -> that 5xx; anything temporary -> 4xx).
                var first = transient.FirstOrDefault() ?? permanent.First();
                return Verdict(first.Reply, $"downstream {_hop} refused the message");
            }

            if (transient.Count > 0)
            {
                // Some recipients were delivered, others could be held nowhere: a 451 makes the client
                // retry all of them (duplicates for the delivered ones), which is better than a loss.
                return SmtpVerdict.Defer(451, "4.4.3", "Some recipients could not be delivered now: try again later", "partial delivery without fallback");
            }

            if (permanent.Count > 0)
            {
                await SendDsnAsync(context, permanent, budget).ConfigureAwait(false);
            }

            var text = peerId is null ? $"Ok: queued as {QueueId} (relayed to {_hop.Text})" : $"Ok: queued as {QueueId} (relayed to {_hop.Text} as {peerId})";
            return SmtpVerdict.Accept(new SmtpReply(250, "2.0.0", text), "relayed to " + _hop.Text);
        }

        /// <summary>Sends to the fallback hosts until every recipient is accepted; returns those nobody took.</summary>
        private async Task<HashSet<SmtpClientRecipient>> FallbackAsync(IReadOnlyList<SmtpClientRecipient> recipients, IMessageContent message, string? reversePathOverride, CancellationToken cancellationToken)
        {
            var remaining = new HashSet<SmtpClientRecipient>(recipients);
            foreach (var hop in _route!.FallbackHosts)
            {
                if (remaining.Count == 0)
                {
                    break;
                }

                var envelope = new SmtpClientEnvelope(reversePathOverride ?? mail.ReversePath?.Address ?? string.Empty, [.. remaining]) { Parameters = MailParameters() };
                var pool = owner.Pool(null, SmtpClientProtocol.Smtp);
                var results = await pool.SendAsync(Endpoint(hop), envelope, message, cancellationToken).ConfigureAwait(false);
                var took = results.Where(r => r.Status == DeliveryStatus.Accepted).Select(r => r.Recipient).ToList();
                if (took.Count > 0)
                {
                    RelayLog.FallbackTook(owner._logger, QueueId, hop.Text, took.Count);
                    remaining.ExceptWith(took);
                }
            }

            return remaining;
        }

        private async Task SendDsnAsync(DataContext context, List<DeliveryResult> failed, CancellationToken cancellationToken)
        {
            if (mail.ReversePath is not { } sender)
            {
                return; // never a DSN to the null sender
            }

            var now = owner._time.GetUtcNow();
            var dsn = await DeliveryStatusNotification.CreateAsync(
                new DsnReport
                {
                    ReportingMta = owner._options.HostName,
                    Recipient = sender.Address,
                    Recipients = [.. failed.Select(f => new DsnRecipient
                    {
                        FinalRecipient = f.Recipient.ForwardPath,
                        OriginalRecipient = f.Recipient.OriginalRecipient,
                        Action = "failed",
                        Status = f.Reply.EnhancedCode ?? new EnhancedStatusCode(5, 0, 0),
                        RemoteMta = _hop!.Host ?? _hop.Text,
                        Diagnostic = f.Reply,
                        LastAttempt = now,
                    })],
                    Return = mail.Parameters.Return == DsnReturn.Full ? DsnReturn.Full : DsnReturn.Headers,
                    EnvelopeId = mail.Parameters.EnvelopeId,
                    Arrival = mail.Transaction.StartedAt,
                    Created = now,
                },
                context.Message,
                cancellationToken).ConfigureAwait(false);
            var content = MessageContent.FromMimeMessage(dsn);
            foreach (var hop in _route!.FallbackHosts)
            {
                var results = await owner.Pool(null, SmtpClientProtocol.Smtp)
                    .SendAsync(Endpoint(hop), new SmtpClientEnvelope(string.Empty, sender.Address), content, cancellationToken).ConfigureAwait(false);
                if (results.All(r => r.Status == DeliveryStatus.Accepted))
                {
                    RelayLog.DsnHandedOff(owner._logger, QueueId, failed.Count, hop.Text);
                    return;
                }
            }

            RelayLog.DsnLost(owner._logger, QueueId, failed.Count);
        }

        public async ValueTask DisposeAsync()
        {
            if (_lease is not null)
            {
                await _lease.DisposeAsync().ConfigureAwait(false);
                _lease = null;
            }
        }
    }
}
