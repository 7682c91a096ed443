using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Utils;

namespace MtaKit;

/// <summary>
/// Completes a submitted message (RFC 6409 8.2 and 8.3): adds a <c>Date</c> header (the time of submission) and a
/// <c>Message-ID</c> (<c>&lt;time.random@server-name&gt;</c>) when the client sent none. Register it before DKIM signing.
/// </summary>
public sealed class SubmissionHeadersStage : IDataStage
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;

    /// <summary>Creates the stage.</summary>
    /// <param name="timeProvider">The clock of the Date header and message ids.</param>
    /// <param name="random">The source of the random part of message ids (seed it in tests).</param>
    /// <param name="logger">The logger.</param>
    public SubmissionHeadersStage(TimeProvider? timeProvider = null, Random? random = null, ILogger<SubmissionHeadersStage>? logger = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _logger = logger ?? NullLogger<SubmissionHeadersStage>.Instance;
    }

    /// <inheritdoc/>
    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var now = _time.GetUtcNow();
        if (!context.Headers.Contains(HeaderId.Date))
        {
            context.AddHeader("Date", DateUtils.FormatDate(now));
            SubmissionLog.HeaderAdded(_logger, context.Transaction.Id, "Date");
        }

        if (!context.Headers.Contains(HeaderId.MessageId))
        {
            Span<byte> bytes = stackalloc byte[10];
            lock (_random)
            {
                _random.NextBytes(bytes);
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"<{now.ToUnixTimeMilliseconds():x}.{Convert.ToHexStringLower(bytes)}@{context.Session.ServerName}>");
            context.AddHeader("Message-ID", id);
            SubmissionLog.HeaderAdded(_logger, context.Transaction.Id, "Message-ID");
        }

        return next(context);
    }
}
