using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// A data stage that authenticates the message: verifies its DKIM signatures, takes the transaction's SPF result
/// (a stored <see cref="SpfCheckResult"/>, or checks SPF itself when no earlier stage did), evaluates DMARC, prepends
/// <c>Authentication-Results</c> (after removing incoming ones that claim our authserv-id), stores the
/// <see cref="DkimCheckResult"/>, <see cref="DmarcCheckResult"/> and <see cref="SpfCheckResult"/> in
/// <see cref="SmtpTransaction.Properties"/>, and when enforcing turns the DMARC outcome into the reply:
/// <list type="bullet">
/// <item>applied policy reject: <c>550 5.7.1 Email rejected per DMARC policy for &lt;domain&gt;</c>;</item>
/// <item>applied policy quarantine: <see cref="DmarcOptions.QuarantineAction"/> (a quarantine verdict by default);</item>
/// <item>temperror with a policy not known to be none: <c>451 4.4.3 Temporary DNS failure checking DMARC for &lt;domain&gt;, try again later</c>
/// (4.4.3, "directory server failure", RFC 3463: the cause is DNS; never a 5xx).</item>
/// </list>
/// </summary>
public sealed class DmarcStage : IDataStage
{
    private readonly DkimChecker _dkim;
    private readonly DmarcEvaluator _dmarc;
    private readonly SpfEvaluator _spf;
    private readonly DmarcOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the stage.</summary>
    /// <param name="dkim">The DKIM verifier.</param>
    /// <param name="dmarc">The DMARC evaluator.</param>
    /// <param name="spf">The SPF evaluator used when no earlier stage stored an <see cref="SpfCheckResult"/>.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DmarcStage(DkimChecker dkim, DmarcEvaluator dmarc, SpfEvaluator spf, DmarcOptions? options = null, ILogger<DmarcStage>? logger = null)
    {
        _dkim = dkim ?? throw new ArgumentNullException(nameof(dkim));
        _dmarc = dmarc ?? throw new ArgumentNullException(nameof(dmarc));
        _spf = spf ?? throw new ArgumentNullException(nameof(spf));
        _options = options ?? new DmarcOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var transaction = context.Transaction;
        var ct = context.Aborted;
        // Parsing the whole message costs memory and time: only signed messages pay it.
        var dkim = context.Headers.Contains(MimeKit.HeaderId.DkimSignature)
            ? await _dkim.VerifyAsync(context.Message, ct).ConfigureAwait(false)
            : DkimCheckResult.Unsigned;
        transaction.Properties.Set(dkim);

        var spf = transaction.Properties.Get<SpfCheckResult>();
        if (spf is null)
        {
            var session = context.Session;
            spf = await _spf.CheckMailFromAsync(session.RemoteEndPoint.Address, transaction.ReversePath?.Address, session.HeloName ?? "unknown", ct).ConfigureAwait(false);
            transaction.Properties.Set(spf);
        }

        DmarcCheckResult? dmarc = null;
        if (_options.Enabled)
        {
            var fromDomain = DmarcEvaluator.GetFromDomain(context.Headers, out var problem);
            dmarc = fromDomain is null ? _dmarc.NoFromDomain(problem!) : await _dmarc.CheckAsync(fromDomain, spf, dkim, ct).ConfigureAwait(false);
            transaction.Properties.Set(dmarc);
        }

        if (_options.AddAuthenticationResults)
        {
            var authServId = _options.AuthServId ?? context.Session.ServerName;
            context.RemoveHeaders(AuthenticationResultsHeader.FieldName, v => AuthenticationResultsHeader.ClaimsAuthServId(v, authServId));
            context.AddHeader(AuthenticationResultsHeader.FieldName, AuthenticationResultsHeader.Format(authServId, spf, dkim, dmarc));
        }

        if (_options.Enforce && dmarc is not null && Decide(dmarc) is { } verdict)
        {
            DmarcLog.Enforced(_logger, verdict.Kind.ToString(), transaction.Id, dmarc.FromDomain ?? "-", dmarc);
            return verdict;
        }

        return await next(context).ConfigureAwait(false);
    }

    private SmtpVerdict? Decide(DmarcCheckResult dmarc)
    {
        var domain = dmarc.FromDomain ?? "-";
        var reason = "dmarc " + dmarc;
        if (dmarc.Result == DmarcResult.TempError)
        {
            return _options.DeferOnTempError && dmarc.RequestedPolicy is not DmarcPolicy.None
                ? SmtpVerdict.Defer(451, "4.4.3", $"Temporary DNS failure checking DMARC for {domain}, try again later", reason)
                : null;
        }

        if (dmarc.Result != DmarcResult.Fail)
        {
            return null;
        }

        var reject = SmtpVerdict.Reject(550, "5.7.1", $"Email rejected per DMARC policy for {domain}", reason);
        return dmarc.AppliedPolicy switch
        {
            DmarcPolicy.Reject => reject,
            DmarcPolicy.Quarantine => _options.QuarantineAction switch
            {
                DmarcQuarantineAction.Reject => reject,
                DmarcQuarantineAction.Quarantine => SmtpVerdict.Quarantine(reason),
                _ => null,
            },
            _ => null,
        };
    }
}
