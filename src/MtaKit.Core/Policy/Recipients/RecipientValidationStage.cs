using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MtaKit.Routing;

namespace MtaKit;

/// <summary>
/// Refuses unknown recipients at RCPT (see <see cref="RecipientValidationOptions"/>): static lists first, then a
/// callout to the route's next hop, cached in an <see cref="IHintsStore"/> under <c>rcpt:&lt;address&gt;</c>
/// (value <c>1</c>, or <c>0</c> followed by the downstream's text).
/// </summary>
public sealed class RecipientValidationStage : IRcptStage
{
    private const string UnknownText = "User unknown";
    private readonly RecipientValidationOptions _options;
    private readonly RecipientList _list;
    private readonly IHintsStore _store;
    private readonly IRouteResolver? _routes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StorePolicyMetrics _metrics;

    /// <summary>Creates the stage, reading the list files.</summary>
    /// <param name="options">The options (validated here).</param>
    /// <param name="store">The callout cache.</param>
    /// <param name="routes">The routes whose next hops callouts ask; required with <see cref="RecipientValidationOptions.Callout"/>.</param>
    /// <param name="timeProvider">The clock of callout timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">The meter factory for the <c>MtaKit</c> meter.</param>
    /// <exception cref="ArgumentException">The options or a list entry are invalid.</exception>
    public RecipientValidationStage(RecipientValidationOptions options, IHintsStore store, IRouteResolver? routes = null, TimeProvider? timeProvider = null, ILogger<RecipientValidationStage>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var errors = new List<string>(options.Validate());
        if (options.Callout && routes is null)
        {
            errors.Add($"{RecipientValidationOptions.SectionName}:Callout: needs routes (MtaKit:Routing) to know whom to ask.");
        }

        var list = errors.Count == 0 ? RecipientList.Load(options, errors) : null;
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _list = list!;
        _store = store;
        _routes = routes;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<RecipientValidationStage>.Instance;
        _metrics = StorePolicyMetrics.Get(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var recipient = context.Recipient;
        if (recipient.IsPostmasterWithoutDomain)
        {
            return await next(context).ConfigureAwait(false);
        }

        switch (_list.Lookup(recipient))
        {
            case true:
                Count("accepted", "list");
                return await next(context).ConfigureAwait(false);
            case false:
                RecipientValidationLog.Unknown(_logger, recipient.Address, "list");
                Count("unknown", "list");
                return SmtpVerdict.Reject(550, "5.1.1", UnknownText, "recipient not in the lists");
        }

        if (!_options.Callout || await _routes!.ResolveAsync(recipient, context.Aborted).ConfigureAwait(false) is not { } route)
        {
            return await next(context).ConfigureAwait(false);
        }

        var key = "rcpt:" + RecipientList.Normalise(recipient);
        var cached = await _store.GetStringAsync(key, context.Aborted).ConfigureAwait(false);
        if (cached is null)
        {
            var reply = await CalloutAsync(context, route).ConfigureAwait(false);
            if (reply is null || reply.IsTransient)
            {
                Count("deferred", "callout");
                return _options.DeferOnCalloutFailure
                    ? SmtpVerdict.Defer(451, "4.4.3", "Recipient verification failed, try again later", "callout failed: " + (reply?.ToString() ?? "no next hop answered"))
                    : await next(context).ConfigureAwait(false);
            }

            cached = reply.IsPositive ? "1" : "0" + reply.Text;
            await _store.SetStringAsync(key, cached, reply.IsPositive ? _options.PositiveCacheTime : _options.NegativeCacheTime, context.Aborted).ConfigureAwait(false);
        }

        if (cached.StartsWith('1'))
        {
            Count("accepted", "callout");
            return await next(context).ConfigureAwait(false);
        }

        RecipientValidationLog.Unknown(_logger, recipient.Address, "callout");
        Count("unknown", "callout");
        var text = cached.Length > 1 ? cached[1..] : UnknownText;
        return SmtpVerdict.Reject(550, "5.1.1", text, "callout: " + text);
    }

    // The reply to RCPT from the first next hop that answered MAIL, or null when none did.
    private async ValueTask<SmtpReply?> CalloutAsync(RcptContext context, RouteMatch route)
    {
        SmtpReply? last = null;
        using var deadline = new CancellationTokenSource(_options.CalloutTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted, deadline.Token);
        foreach (var hop in route.NextHops)
        {
            if (hop.Kind == NextHopKind.Mx)
            {
                continue;
            }

            try
            {
                var reply = await AskAsync(context, route, hop, timeout.Token).ConfigureAwait(false);
                if (reply.Source == CalloutStep.Rcpt)
                {
                    RecipientValidationLog.CalloutAnswered(_logger, context.Recipient.Address, hop.Text, reply.Reply.ToString());
                    return reply.Reply;
                }

                RecipientValidationLog.CalloutFailed(_logger, context.Recipient.Address, hop.Text, reply.Reply.ToString());
                last = reply.Reply.IsTransient ? reply.Reply : null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.Aborted.IsCancellationRequested)
            {
                RecipientValidationLog.CalloutFailed(_logger, context.Recipient.Address, hop.Text, "timed out");
                break;
            }
        }

        return last;
    }

    private async ValueTask<(CalloutStep Source, SmtpReply Reply)> AskAsync(RcptContext context, RouteMatch route, NextHop hop, CancellationToken cancellationToken)
    {
        var options = new SmtpClientOptions
        {
            HeloName = _options.CalloutHeloName ?? context.Session.ServerName,
            Protocol = hop.Kind is NextHopKind.Lmtp or NextHopKind.LmtpUnix ? SmtpClientProtocol.Lmtp : SmtpClientProtocol.Smtp,
            TlsMode = route.Route.Tls.Mode switch
            {
                RouteTlsMode.None => SmtpClientTlsMode.None,
                RouteTlsMode.Required => SmtpClientTlsMode.Required,
                _ => SmtpClientTlsMode.Opportunistic,
            },
            ValidateCertificate = route.Route.Tls.Validate,
            UsePipelining = false,
            TimeProvider = _time,
        };
        var endpoint = hop.Kind == NextHopKind.LmtpUnix ? SmtpClientEndpoint.Unix(hop.SocketPath!) : SmtpClientEndpoint.Tcp(hop.Host!, hop.Port);
        var connected = await SmtpClientConnection.ConnectAsync(endpoint, options, _logger, cancellationToken).ConfigureAwait(false);
        if (connected.Connection is not { } connection)
        {
            return (CalloutStep.Connect, connected.Reply);
        }

        await using (connection.ConfigureAwait(false))
        {
            var mail = await connection.MailAsync(string.Empty, null, cancellationToken).ConfigureAwait(false);
            if (!mail.IsPositive)
            {
                await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
                return (CalloutStep.Mail, mail);
            }

            var rcpt = await connection.RcptAsync(new SmtpClientRecipient(context.Recipient.Address), cancellationToken).ConfigureAwait(false);
            await connection.RsetAsync(cancellationToken).ConfigureAwait(false);
            await connection.QuitAsync(cancellationToken).ConfigureAwait(false);
            return (CalloutStep.Rcpt, rcpt);
        }
    }

    private void Count(string result, string source)
        => _metrics.Recipients.Add(1, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("source", source));

    private enum CalloutStep
    {
        Connect,
        Mail,
        Rcpt,
    }
}
