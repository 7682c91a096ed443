using MtaKit.Routing;

namespace MtaKit.Queueing;

/// <summary>Delivery to one destination host (any of its addresses) and to a domain's MX hosts.</summary>
public sealed partial class QueueRunner
{
    /// <summary>
    /// Delivers to the MX hosts of <paramref name="domain"/>: in MX order, every address of each host,
    /// retry hints per MX host name, and the domain's MTA-STS policy when one is configured. A null MX,
    /// NXDOMAIN, a domain without mail host or a loop fails the recipients permanently at once; a DNS
    /// failure is transient.
    /// </summary>
    private async Task<HostAttempt> SendByMxAsync(QueueId id, string domain, RouteMatch match, SmtpClientEnvelope envelope, IMessageContent content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_options.MxResolver is not { } resolver)
        {
            return Unroutable(id, domain, MxResolutionStatus.TemporaryFailure, new SmtpReply(451, "4.3.5", $"MX delivery to {domain} is not configured (no MX resolver)"), envelope, final: false);
        }

        var resolution = await resolver.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        MxMetrics.Lookup(resolution.Status);
        if (resolution.FailureReply is { } failure)
        {
            return Unroutable(id, resolution.Domain, resolution.Status, failure, envelope, final: resolution.IsPermanent);
        }

        // RFC 5321 section 5.1: when this host is one of the MX hosts, only more preferred hosts may be tried.
        var hosts = resolution.Hosts;
        if (hosts.FirstOrDefault(h => string.Equals(h.Name, _options.HostName, StringComparison.OrdinalIgnoreCase)) is { } self)
        {
            hosts = [.. hosts.Where(h => h.Preference < self.Preference)];
            if (hosts.Count == 0)
            {
                var loop = new SmtpReply(550, "5.4.6", $"Mail for {resolution.Domain} loops back to myself ({_options.HostName} is its best MX)");
                return Unroutable(id, resolution.Domain, resolution.Status, loop, envelope, final: true);
            }
        }

        MxLog.Resolved(_logger, id, resolution.Domain, resolution.IsImplicit, string.Join(' ', hosts.Select(h => $"{h.Preference}:{h.Name}[{string.Join(',', h.Addresses)}]")));
        var policy = _options.MtaSts is { } sts ? await sts.GetPolicyAsync(resolution.Domain, cancellationToken).ConfigureAwait(false) : null;
        if (policy is not null)
        {
            MxMetrics.MtaSts(policy.Mode);
        }

        var enforce = policy is { Mode: MtaStsMode.Enforce };
        var pool = enforce ? _stsPool!.Value : _pool;
        IReadOnlyList<DeliveryResult>? results = null;
        var contacted = false;
        var lastHost = resolution.Domain;
        DateTimeOffset? firstFailure = null;
        foreach (var host in hosts)
        {
            if (policy is { Mode: not MtaStsMode.None } && !policy.MatchesMx(host.Name))
            {
                MxLog.MtaStsMismatch(_logger, id, resolution.Domain, host.Name, policy.Mode);
                if (enforce)
                {
                    continue;
                }
            }

            var endpoints = host.Addresses.Select(a => SmtpClientEndpoint.Tcp(a, _options.MxPort, host.Name)).ToList();
            var attempt = await SendToHostAsync(id, host.Name, endpoints, pool, match, envelope, content, now, cancellationToken).ConfigureAwait(false);
            results = attempt.InBackoff ? results ?? attempt.Results : attempt.Results;
            firstFailure ??= attempt.HostFirstFailure;
            contacted |= !attempt.InBackoff;
            lastHost = attempt.Host;
            if (attempt.Final)
            {
                return attempt;
            }
        }

        if (results is null)
        {
            // Enforce mode and no MX host matches the policy: wait for the domain to fix it (RFC 8461 section 5).
            return Unroutable(id, resolution.Domain, resolution.Status, new SmtpReply(451, "4.7.5", $"No MX host of {resolution.Domain} matches its MTA-STS policy"), envelope, final: false);
        }

        return new HostAttempt(results!, Final: false, InBackoff: !contacted, firstFailure, lastHost);
    }

    /// <summary>No MX host to try: every recipient gets <paramref name="reply"/> (final for permanent reasons).</summary>
    private HostAttempt Unroutable(QueueId id, string domain, MxResolutionStatus status, SmtpReply reply, SmtpClientEnvelope envelope, bool final)
    {
        MxLog.Unresolved(_logger, id, domain, status, reply);
        return new HostAttempt([.. envelope.Recipients.Select(r => new DeliveryResult(r, reply, DeliveryPhase.Connect, false))], final, InBackoff: false, null, "mx:" + domain);
    }

    /// <summary>
    /// Sends to one host: skipped while its retry hint says back off; otherwise tries its endpoints in
    /// order until one answers. When none does, the host's hint records the failure.
    /// </summary>
    private async Task<HostAttempt> SendToHostAsync(QueueId id, string hostKey, IReadOnlyList<SmtpClientEndpoint> endpoints, SmtpClientPool pool, RouteMatch match, SmtpClientEnvelope envelope, IMessageContent content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await _hints.GetAsync(hostKey, cancellationToken).ConfigureAwait(false) is { } hint && !hint.AllowsAttemptAt(now))
        {
            QueueLog.HostInBackoff(_logger, id, hostKey, hint.NextAllowedAttempt);
            IReadOnlyList<DeliveryResult> waiting = [.. envelope.Recipients.Select(r => new DeliveryResult(r, new SmtpReply(451, "4.4.1", $"Host {hostKey} in retry backoff: {hint.LastError}"), DeliveryPhase.Connect, false))];
            return new HostAttempt(waiting, Final: false, InBackoff: true, hint.FirstFailure, hostKey);
        }

        IReadOnlyList<DeliveryResult> results = [];
        foreach (var endpoint in endpoints)
        {
            results = await pool.SendAsync(endpoint, envelope, content, cancellationToken).ConfigureAwait(false);
            var hostFailed = results.All(r => r.Status == DeliveryStatus.Transient) && results.Any(r => !r.IsPeerReply || r.Phase is DeliveryPhase.Connect);
            if (!hostFailed)
            {
                await _hints.RecordSuccessAsync(hostKey, cancellationToken).ConfigureAwait(false);
                return new HostAttempt(results, Final: true, InBackoff: false, null, hostKey);
            }
        }

        var previous = await _hints.GetAsync(hostKey, cancellationToken).ConfigureAwait(false);
        var first = previous?.FirstFailure ?? now;
        var rule = _tier.RetryRules.Find(match.Route.Name, RetryErrorKind.Any);
        var next = rule?.Schedule.Next(first, now, now).NextAttempt ?? now.AddMinutes(15);
        await _hints.RecordFailureAsync(hostKey, now, next, results[0].Reply.ToString(), cancellationToken).ConfigureAwait(false);
        return new HostAttempt(results, Final: false, InBackoff: false, first, hostKey); // the next host may be up
    }

    /// <summary>What trying one host (or a domain's MX hosts) gave.</summary>
    /// <param name="Results">One result per envelope recipient.</param>
    /// <param name="Final">True when the results stand: no further host is tried.</param>
    /// <param name="InBackoff">True when no host was contacted because of retry hints (a contacted host's results win).</param>
    /// <param name="HostFirstFailure">When the host first failed, for the retry schedule.</param>
    /// <param name="Host">The host (or MX host) tried last, for the log.</param>
    private readonly record struct HostAttempt(IReadOnlyList<DeliveryResult> Results, bool Final, bool InBackoff, DateTimeOffset? HostFirstFailure, string Host);
}
