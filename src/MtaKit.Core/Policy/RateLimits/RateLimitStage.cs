using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Counts connections, messages or recipients per client address, network, sender or authenticated user
/// in an <see cref="IHintsStore"/> and refuses past the limit: 421 4.7.0 at connect (and closes), 450 4.7.1
/// at MAIL and RCPT. Every attempt is counted, refused ones included, so a client that keeps trying
/// stays limited until its rate drops.
/// </summary>
public sealed class RateLimitStage : IConnectStage, IMailStage, IRcptStage
{
    private readonly (int Index, RateLimitRule Rule)[] _connect;
    private readonly (int Index, RateLimitRule Rule)[] _mail;
    private readonly (int Index, RateLimitRule Rule)[] _rcpt;
    private readonly IHintsStore _store;
    private readonly ILogger _logger;
    private readonly StorePolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="options">The rules (validated here).</param>
    /// <param name="store">Where the counts live.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">The meter factory for the <c>MtaKit</c> meter.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RateLimitStage(RateLimitOptions options, IHintsStore store, ILogger<RateLimitStage>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var rules = options.Rules.Select((r, i) => (i, r)).ToArray();
        _connect = [.. rules.Where(r => r.r.Phase == RateLimitPhase.Connect)];
        _mail = [.. rules.Where(r => r.r.Phase == RateLimitPhase.Mail)];
        _rcpt = [.. rules.Where(r => r.r.Phase == RateLimitPhase.Rcpt)];
        _store = store;
        _logger = logger ?? NullLogger<RateLimitStage>.Instance;
        _metrics = StorePolicyMetrics.Get(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return await CheckAsync(_connect, context.Session, null, context.Aborted).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return await CheckAsync(_mail, context.Session, context.ReversePath, context.Aborted).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return await CheckAsync(_rcpt, context.Session, context.Transaction.ReversePath, context.Aborted).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);
    }

    private async ValueTask<SmtpVerdict?> CheckAsync((int Index, RateLimitRule Rule)[] rules, SmtpSession session, Mailbox? sender, CancellationToken cancellationToken)
    {
        SmtpVerdict? refusal = null;
        foreach (var (index, rule) in rules)
        {
            var subject = rule.Key switch
            {
                RateLimitKey.Ip or RateLimitKey.Network => ClientNetwork.Key(session.RemoteEndPoint.Address, rule.EffectiveIpv4Prefix, rule.EffectiveIpv6Prefix),
                RateLimitKey.Sender => sender?.Address.ToLowerInvariant(),
                _ => session.AuthenticatedUser,
            };
            if (subject is null)
            {
                continue;
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"rl:{index}:{rule.Phase}:{rule.Key}:{subject}");
            var count = await _store.IncrementAsync(key, rule.Window, 1, cancellationToken).ConfigureAwait(false);
            if (count > rule.Limit && refusal is null)
            {
                RateLimitLog.Exceeded(_logger, index, subject, count, rule.Limit, rule.Phase, rule.Window);
                _metrics.RateLimited.Add(1, new KeyValuePair<string, object?>("phase", rule.Phase.ToString()), new KeyValuePair<string, object?>("key", rule.Key.ToString()));
                refusal = Refuse(rule, subject);
            }
        }

        return refusal;
    }

    private static SmtpVerdict Refuse(RateLimitRule rule, string subject)
    {
        var what = rule.Key switch
        {
            RateLimitKey.Ip => "your address",
            RateLimitKey.Network => "your network",
            RateLimitKey.Sender => "this sender",
            _ => "this user",
        };
        var reason = $"rate limit {rule.Phase} by {rule.Key} {subject}";
        return rule.Phase switch
        {
            RateLimitPhase.Connect => SmtpVerdict.Disconnect($"Too many connections from {what}, try again later", "4.7.0", reason),
            RateLimitPhase.Mail => SmtpVerdict.Defer(450, "4.7.1", $"Too many messages from {what}, try again later", reason),
            _ => SmtpVerdict.Defer(450, "4.7.1", $"Too many recipients from {what}, try again later", reason),
        };
    }
}
