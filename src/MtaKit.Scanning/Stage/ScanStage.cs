using Microsoft.Extensions.Logging;

namespace MtaKit.Scanning;

/// <summary>
/// The data-scan stage: scans the received message with every scanner of a <see cref="ScannerSet"/>
/// concurrently and answers inside the client's transaction. A virus or spam at the reject score
/// gives 550 5.7.1, a blocked attachment 554 5.7.1, a message too large for a virus scanner
/// 552 5.3.4 (<see cref="ScanTooLargePolicy"/>), a scanner kind that could not scan 451 4.7.1
/// (<see cref="ScanFailPolicy"/>), rspamd's soft reject/greylist 451 4.7.1. Otherwise the message
/// goes on with <c>X-Spam-*</c> fields prepended (never rewritten, so DKIM signatures survive),
/// optionally quarantined or with a tagged subject. The <see cref="ScanSummary"/> is left on
/// <see cref="SmtpTransaction.Properties"/> for later stages and the handler.
/// </summary>
internal sealed class ScanStage : IDataStage
{
    private static readonly SmtpReply TooLargeReply = new(552, "5.3.4", "Message too big for content scanning");

    private readonly ScannerSet _scanners;
    private readonly SpamOptions _spam;
    private readonly ScanTooLargePolicy _tooLarge;
    private readonly ILogger _logger;
    private SpamValues? _lastValues;

    public ScanStage(ScannerSet scanners, ScanningOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(scanners);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _scanners = scanners;
        _spam = options.Spam ?? new SpamOptions();
        _tooLarge = options.TooLargePolicy;
        _logger = logger;
    }

    public async ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var tx = context.Transaction;
        var summary = await _scanners.ScanAsync(CreateRequest(context), context.Aborted).ConfigureAwait(false);
        tx.Properties.Set(summary);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ScanStageLog.Scanned(_logger, tx.Id, summary.Action, Describe(summary.Results));
        }

        if (summary.Action == ScanAction.Reject)
        {
            ScanStageLog.Rejected(_logger, tx.Id, summary.Reply!.ToString().TrimEnd(), summary.Deciding?.ToString() ?? "");
            ScanStageMetrics.Record("reject");
            return SmtpVerdict.Reject(summary.Reply, "scan: " + summary.Deciding);
        }

        var tooLarge = summary.Results.FirstOrDefault(r => r.Verdict == ScanVerdict.TooLarge);
        if (tooLarge is not null)
        {
            ScanStageLog.TooLarge(_logger, tx.Id, context.Message.Length, tooLarge.Scanner, tooLarge.Reason, _tooLarge);
            if (_tooLarge == ScanTooLargePolicy.Reject)
            {
                ScanStageMetrics.Record("too-large");
                return SmtpVerdict.Reject(TooLargeReply, "scan: " + tooLarge);
            }
        }

        if (summary.Action == ScanAction.Defer)
        {
            ScanStageLog.Deferred(_logger, tx.Id, summary.Reply!.ToString().TrimEnd(), summary.Deciding?.ToString() ?? "");
            ScanStageMetrics.Record("defer");
            return SmtpVerdict.Defer(summary.Reply, "scan: " + summary.Deciding);
        }

        foreach (var name in SpamHeaders.Owned)
        {
            // counting scans the raw header bytes without allocating; a removal would make the engine
            // re-scan the header section with a string per field when the message is read
            if (context.CountHeaders(name) > 0)
            {
                context.RemoveHeaders(name);
            }
        }

        if (summary.Unscanned || tooLarge is not null)
        {
            ScanStageLog.Unscanned(_logger, tx.Id, Describe(summary.Results));
            ScanStageMetrics.Record("unscanned");
            context.AddHeader(ScanSummary.UnscannedHeader, "unscanned");
        }

        var tagged = summary.Action == ScanAction.Tag;
        AddSpamHeaders(context, summary, tagged);
        if (!tagged)
        {
            ScanStageMetrics.Record("accept");
            return await next(context).ConfigureAwait(false);
        }

        ScanStageLog.Tagged(_logger, tx.Id, summary.SpamScore ?? 0, _spam.TagAction, summary.Deciding?.ToString() ?? "");
        if (_spam.RewriteSubject)
        {
            TagSubject(context, _spam.SubjectPrefix);
        }

        if (_spam.TagAction == SpamTagAction.Quarantine)
        {
            ScanStageMetrics.Record("quarantine");

            // Not calling next: the engine hands a quarantine verdict to the message handler itself.
            return SmtpVerdict.Quarantine("scan: " + summary.Deciding);
        }

        ScanStageMetrics.Record("tag");
        return await next(context).ConfigureAwait(false);
    }

    private static ScanRequest CreateRequest(DataContext context)
    {
        var session = context.Session;
        var tx = context.Transaction;
        var recipients = new string[tx.Recipients.Count];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = tx.Recipients[i].Address.Address;
        }

        return new ScanRequest(context.Message)
        {
            ClientAddress = session.RemoteEndPoint.Address,
            Helo = session.HeloName,
            ReversePath = tx.ReversePath?.Address ?? string.Empty,
            Recipients = recipients,
            QueueId = tx.Id,
            AuthenticatedUser = session.AuthenticatedUser,
        };
    }

    private void AddSpamHeaders(DataContext context, ScanSummary summary, bool tagged)
    {
        if (SpamHeaders.Pick(summary) is { } report)
        {
            // a scanner that hands out one immutable report for every clean message (GTUBE) gets its
            // values formatted once; reports with symbols are formatted per message
            var values = _lastValues;
            if (values is null || !ReferenceEquals(values.Report, report) || values.Tagged != tagged)
            {
                values = new SpamValues(report, tagged, SpamHeaders.ScoreValue(report), SpamHeaders.StatusValue(tagged, report, _spam.TagScore));
                if (report.Symbols.Count == 0)
                {
                    _lastValues = values;
                }
            }

            context.AddHeader(SpamHeaders.Flag, SpamHeaders.FlagValue(tagged));
            context.AddHeader(SpamHeaders.Score, values.Score);
            context.AddHeader(SpamHeaders.Status, values.Status);
        }

        foreach (var edit in summary.HeaderEdits)
        {
            if (SpamHeaders.Owned.Contains(edit.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (edit.Kind == HeaderEditKind.Add && edit.Value is not null && IsSafeField(edit.Name, edit.Value))
            {
                context.AddHeader(edit.Name, edit.Value);
            }
            else if (edit.Kind == HeaderEditKind.Remove && edit.Index == 0)
            {
                // only "remove every occurrence": the engine removes by name, not by position
                context.RemoveHeaders(edit.Name);
            }
        }
    }

    /// <summary>Puts the prefix in front of the subject: the original field is dropped and a new one prepended (this breaks DKIM; off by default).</summary>
    private static void TagSubject(DataContext context, string prefix)
    {
        var original = context.Headers.FirstOrDefault(h => h.Id == MimeKit.HeaderId.Subject);

        // the raw value keeps RFC 2047 encoded words as they came; only the folding is undone
        var subject = original is null ? string.Empty : System.Text.Encoding.UTF8.GetString(original.RawValue).ReplaceLineEndings(string.Empty).Trim();
        if (subject.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        context.RemoveHeaders("Subject");
        context.AddHeader("Subject", subject.Length == 0 ? prefix : prefix + " " + subject);
    }

    /// <summary>Scanner-supplied fields go into the message only if the engine would take them: a token name and no bare CR/LF.</summary>
    private static bool IsSafeField(string name, string value)
        => name.Length > 0 && name.All(c => c is > ' ' and < (char)127 and not ':')
            && !value.Replace("\r\n ", "  ", StringComparison.Ordinal).Replace("\r\n\t", " \t", StringComparison.Ordinal).Any(c => c is '\r' or '\n' or '\0');

    private static string Describe(IReadOnlyList<ScanResult> results) => string.Join("; ", results);

    /// <summary>The formatted X-Spam values of one report (replaced whole, so readers on other threads see a consistent set).</summary>
    private sealed record SpamValues(SpamReport Report, bool Tagged, string Score, string Status);
}
