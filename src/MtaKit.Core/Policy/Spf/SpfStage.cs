using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Evaluates SPF (RFC 7208) at MAIL FROM (the HELO identity for the null sender), stores the
/// <see cref="SpfCheckResult"/> on <see cref="SmtpTransaction.Properties"/>, and applies <see cref="SpfPolicyOptions"/>:
/// <c>fail</c> 550 5.7.23 when rejecting, <c>temperror</c> 451 4.7.24 (never a 5xx), <c>permerror</c> 550 5.7.24
/// when rejecting. At DATA it prepends the <c>Received-SPF:</c> header with the session's server name as receiver.
/// </summary>
public sealed partial class SpfStage : IMailStage, IDataStage
{
    private const string StageName = "spf";
    private readonly SpfEvaluator _evaluator;
    private readonly SpfPolicyOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="evaluator">The SPF evaluator.</param>
    /// <param name="options">The policy; validated here (<see cref="ArgumentException"/> lists every problem).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a shared one by default.</param>
    public SpfStage(SpfEvaluator evaluator, SpfPolicyOptions? options = null, ILogger<SpfStage>? logger = null, IMeterFactory? meterFactory = null)
    {
        _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));
        _options = options ?? new SpfPolicyOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SPF options: " + string.Join(" ", errors));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var session = context.Session;
        if (_options.SkipAuthenticated && session.AuthenticatedUser is not null)
        {
            return await next(context).ConfigureAwait(false);
        }

        var result = await _evaluator.CheckMailFromAsync(session.RemoteEndPoint.Address, context.ReversePath?.Address, session.HeloName ?? string.Empty, context.Aborted).ConfigureAwait(false);
        context.Transaction.Properties.Set(result);
        LogResult(_logger, session.RemoteEndPoint.Address.ToString(), result.ToString());
        var action = result.Result switch
        {
            SpfResult.Fail => _options.FailAction,
            SpfResult.PermError => _options.PermErrorAction,
            SpfResult.TempError => _options.DeferOnTempError ? SpfAction.Reject : SpfAction.Tag,
            _ => SpfAction.Tag,
        };
        if (result.Result == SpfResult.TempError)
        {
            _metrics.CountDnsFailure(StageName);
        }

        if (action == SpfAction.Reject)
        {
            var reply = result.SuggestedReply!;
            _metrics.Count(StageName, reply.IsTransient ? "defer" : "reject");
            return reply.IsTransient ? SmtpVerdict.Defer(reply, "spf " + result) : SmtpVerdict.Reject(reply, "spf " + result);
        }

        _metrics.Count(StageName, SpfCheckResult.ResultName(result.Result));
        if (action == SpfAction.None)
        {
            context.Transaction.Properties.Set(new SpfHeaderSuppressed(true));
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var properties = context.Transaction.Properties;
        if (properties.TryGet<SpfCheckResult>(out var result) && !properties.TryGet<SpfHeaderSuppressed>(out _))
        {
            var field = result.FormatReceivedSpfHeader(context.Session.ServerName);
            context.AddHeader("Received-SPF", field["Received-SPF: ".Length..]);
        }

        return next(context);
    }

    [LoggerMessage(EventId = 4060, Level = LogLevel.Debug, Message = "SPF for {Address}: {Result}")]
    private static partial void LogResult(ILogger logger, string address, string result);

    // Marks a transaction whose result's action is None: no Received-SPF header.
    private readonly record struct SpfHeaderSuppressed(bool Value);
}
