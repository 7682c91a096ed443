using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Scores the client with a <see cref="DnsblChecker"/> when it connects and stores the <see cref="DnsblResult"/>
/// on <see cref="SmtpSession.Properties"/>. With <see cref="DnsblRejectPhase.Connect"/> a blocked client gets
/// <c>554 5.7.1</c> instead of the greeting; with <see cref="DnsblRejectPhase.Rcpt"/> every RCPT is refused with
/// <c>550 5.7.1</c> except to <c>postmaster@</c> a domain or the bare <c>&lt;Postmaster&gt;</c> (RFC 5321 section 4.5.1;
/// relay control still decides whether the domain is ours) and except for sessions that authenticated (users
/// submitting from dynamic addresses that policy block lists list). The reply text carries the list's TXT reason.
/// With <see cref="DnsblOptions.DomainLists"/>, the sender's domain is checked at MAIL FROM and a listed one gets
/// <c>550 5.7.1</c> (the <see cref="DnsblDomainResult"/> is on <see cref="SmtpTransaction.Properties"/>).
/// A DNS failure never blocks: it is logged and counted, and the client is scored by the lists that answered.
/// </summary>
public sealed partial class DnsblStage : IConnectStage, IMailStage, IRcptStage
{
    private const string StageName = "dnsbl";
    private readonly DnsblChecker _checker;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="checker">The checker (its options say where to reject).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a shared one by default.</param>
    public DnsblStage(DnsblChecker checker, ILogger<DnsblStage>? logger = null, IMeterFactory? meterFactory = null)
    {
        _checker = checker ?? throw new ArgumentNullException(nameof(checker));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var address = context.Session.RemoteEndPoint.Address;
        DnsblResult result;
        try
        {
            result = await _checker.CheckAsync(address, context.Aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.Aborted.IsCancellationRequested)
        {
            // A resolver fault is not the client's fault: let it in unscored.
            _metrics.CountDnsFailure(StageName);
            LogCheckFailed(_logger, address, e);
            return await next(context).ConfigureAwait(false);
        }

        if (result.Errors.Count > 0)
        {
            _metrics.CountDnsFailure(StageName);
        }

        context.Session.Properties.Set(result);
        if (!result.IsBlocked)
        {
            _metrics.Count(StageName, "pass");
            return await next(context).ConfigureAwait(false);
        }

        if (_checker.RejectAt == DnsblRejectPhase.Connect)
        {
            _metrics.Count(StageName, "reject");
            LogRejected(_logger, address, result.Score, "connect");
            return SmtpVerdict.Reject(result.SuggestedReply!, $"dnsbl score={result.Score}");
        }

        _metrics.Count(StageName, "listed");
        return await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!_checker.HasDomainLists || context.ReversePath is not { } sender || sender.IsAddressLiteral
            || sender.AsciiDomain.Length == 0 || context.Session.AuthenticatedUser is not null)
        {
            return await next(context).ConfigureAwait(false);
        }

        DnsblDomainResult result;
        try
        {
            result = await _checker.CheckDomainAsync(sender.AsciiDomain, context.Aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.Aborted.IsCancellationRequested)
        {
            _metrics.CountDnsFailure(StageName);
            LogDomainCheckFailed(_logger, sender.AsciiDomain, e);
            return await next(context).ConfigureAwait(false);
        }

        if (result.Errors.Count > 0)
        {
            _metrics.CountDnsFailure(StageName);
        }

        context.Transaction.Properties.Set(result);
        if (!result.IsBlocked)
        {
            return await next(context).ConfigureAwait(false);
        }

        _metrics.Count(StageName, "reject");
        LogDomainRejected(_logger, result.Domain, result.Score);
        return SmtpVerdict.Reject(result.SuggestedReply!, $"dnsbl domain {result.Domain} score={result.Score}");
    }

    /// <inheritdoc/>
    public ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_checker.RejectAt != DnsblRejectPhase.Rcpt
            || !context.Session.Properties.TryGet<DnsblResult>(out var result)
            || !result.IsBlocked
            || context.Session.AuthenticatedUser is not null
            || IsPostmaster(context.Recipient))
        {
            return next(context);
        }

        _metrics.Count(StageName, "reject");
        LogRejected(_logger, result.ClientAddress, result.Score, "rcpt");
        return new(SmtpVerdict.Reject(new SmtpReply(550, "5.7.1", result.SuggestedReply!.Text), $"dnsbl score={result.Score}"));
    }

    private static bool IsPostmaster(Mailbox recipient)
        => recipient.IsPostmasterWithoutDomain || string.Equals(recipient.LocalPart, "postmaster", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "DNSBL reject of {Address} at {Phase}: score {Score}")]
    private static partial void LogRejected(ILogger logger, IPAddress address, int score, string phase);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "DNSBL check of {Address} failed; the client is let through unscored")]
    private static partial void LogCheckFailed(ILogger logger, IPAddress address, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "DNSBL reject of sender domain {Domain}: score {Score}")]
    private static partial void LogDomainRejected(ILogger logger, string domain, int score);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "DNSBL check of sender domain {Domain} failed; the sender is let through")]
    private static partial void LogDomainCheckFailed(ILogger logger, string domain, Exception exception);
}
