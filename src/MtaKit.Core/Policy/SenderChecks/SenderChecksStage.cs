using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Checks at MAIL FROM that the sender's domain can receive mail (bounces must be deliverable), with a
/// <see cref="MailDomainChecker"/>; stores the <see cref="MailDomainCheckResult"/> on <see cref="SmtpTransaction.Properties"/>.
/// NXDOMAIN, a null MX, no mail host or an invalid name give <c>550 5.1.8</c>; a DNS failure gives <c>451 4.4.3</c>,
/// never a 5xx. The null sender and address-literal domains are not checked.
/// </summary>
public sealed partial class SenderChecksStage : IMailStage
{
    private const string StageName = "sender";
    private readonly MailDomainChecker _checker;
    private readonly SenderChecksOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="checker">The domain checker.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a shared one by default.</param>
    public SenderChecksStage(MailDomainChecker checker, SenderChecksOptions? options = null, ILogger<SenderChecksStage>? logger = null, IMeterFactory? meterFactory = null)
    {
        _checker = checker ?? throw new ArgumentNullException(nameof(checker));
        _options = options ?? new SenderChecksOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.ReversePath is not { } sender || sender.IsAddressLiteral || sender.AsciiDomain.Length == 0
            || (_options.SkipAuthenticated && context.Session.AuthenticatedUser is not null))
        {
            return await next(context).ConfigureAwait(false);
        }

        var result = await _checker.CheckAsync(sender.AsciiDomain, context.Aborted).ConfigureAwait(false);
        context.Transaction.Properties.Set(result);
        if (result.Exists)
        {
            _metrics.Count(StageName, "pass");
            return await next(context).ConfigureAwait(false);
        }

        if (result.Status == MailDomainStatus.TemporaryFailure)
        {
            _metrics.CountDnsFailure(StageName);
            LogDnsFailure(_logger, result.Domain, result.DnsStatus);
            if (!_options.DeferOnDnsFailure)
            {
                return await next(context).ConfigureAwait(false);
            }

            _metrics.Count(StageName, "defer");
            return SmtpVerdict.Defer(451, "4.4.3", $"Sender domain {result.Domain}: DNS lookup failed, try again later", $"sender domain {result.Domain} {result.DnsStatus}");
        }

        LogUnroutable(_logger, result.Domain, result.Status);
        if (!_options.RejectUnroutableDomains)
        {
            _metrics.Count(StageName, "tag");
            return await next(context).ConfigureAwait(false);
        }

        _metrics.Count(StageName, "reject");
        var text = result.Status switch
        {
            MailDomainStatus.NullMx => $"Sender domain {result.Domain} does not accept mail (null MX)",
            MailDomainStatus.NoMailHost => $"Sender domain {result.Domain} has no mail host",
            MailDomainStatus.Invalid => "Sender domain is not a valid domain name",
            _ => $"Sender domain {result.Domain} does not exist",
        };
        return SmtpVerdict.Reject(550, "5.1.8", text, $"sender domain {result.Domain} {result.Status}");
    }

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "Sender domain {Domain} cannot receive mail: {Status}")]
    private static partial void LogUnroutable(ILogger logger, string domain, MailDomainStatus status);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Warning, Message = "Sender domain {Domain}: DNS failed ({DnsStatus})")]
    private static partial void LogDnsFailure(ILogger logger, string domain, DnsStatus dnsStatus);
}
