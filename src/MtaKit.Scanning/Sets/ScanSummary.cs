using System.Globalization;

namespace MtaKit.Scanning;

/// <summary>
/// The results of every scanner for one message and the decision they add up to, with the SMTP reply
/// for a refusal. Rules, in order: a virus (550 5.7.1) or a blocked attachment (554 5.7.1) rejects; spam at or above
/// <see cref="SpamOptions.RejectScore"/> (or rspamd's <c>reject</c>) rejects; a failed scanner kind
/// defers (451 4.7.1) or, under <see cref="ScanFailPolicy.Accept"/>, accepts with
/// <see cref="Unscanned"/> set; rspamd's <c>soft reject</c>/<c>greylist</c> defers; spam at or above
/// <see cref="SpamOptions.TagScore"/> (or a scanner's own spam verdict) tags; otherwise accept.
/// </summary>
public sealed class ScanSummary
{
    /// <summary>The header field the stage adds to a message accepted without a complete scan.</summary>
    public const string UnscannedHeader = "X-MtaKit-Scan";

    internal ScanSummary(IReadOnlyList<ScanResult> results, SpamOptions spam, ScanFailPolicy failPolicy)
    {
        Results = results;
        double? spamScore = null;
        List<HeaderEdit>? edits = null;
        var failed = false;
        foreach (var r in results)
        {
            failed |= r.IsFailure;
            if (r.Spam is { } report)
            {
                spamScore = spamScore is { } max && max >= report.Score ? max : report.Score;
                if (report.HeaderEdits.Count > 0)
                {
                    (edits ??= []).AddRange(report.HeaderEdits);
                }
            }
        }

        SpamScore = spamScore;
        HeaderEdits = edits ?? (IReadOnlyList<HeaderEdit>)[];
        (Action, Deciding, Reply) = Decide(results, spam, failPolicy);
        Unscanned = Action != ScanAction.Reject && failPolicy == ScanFailPolicy.Accept && failed;
    }

    /// <summary>Every scanner's result, in scanner order.</summary>
    public IReadOnlyList<ScanResult> Results { get; }

    /// <summary>What to do with the message.</summary>
    public ScanAction Action { get; }

    /// <summary>The result that decided a reject, defer or tag; null for a plain accept.</summary>
    public ScanResult? Deciding { get; }

    /// <summary>The SMTP reply for <see cref="ScanAction.Reject"/> (550 5.7.1 for a virus or spam, 554 5.7.1 for a blocked attachment) and <see cref="ScanAction.Defer"/> (451 4.7.1); null otherwise.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>The highest spam score of any spam scanner that answered, or null.</summary>
    public double? SpamScore { get; }

    /// <summary>True when the message is accepted although a scanner kind could not scan it (<see cref="ScanFailPolicy.Accept"/>).</summary>
    public bool Unscanned { get; }

    /// <summary>The header edits the spam scanners asked for, in result order.</summary>
    public IReadOnlyList<HeaderEdit> HeaderEdits { get; }

    private static (ScanAction, ScanResult?, SmtpReply?) Decide(IReadOnlyList<ScanResult> results, SpamOptions spam, ScanFailPolicy failPolicy)
    {
        ScanResult? infected = null, blocked = null, failed = null;
        foreach (var r in results)
        {
            infected ??= r.Verdict == ScanVerdict.Infected ? r : null;
            blocked ??= r.Verdict == ScanVerdict.Blocked ? r : null;
            failed ??= r.IsFailure ? r : null;
        }

        if (infected is not null)
        {
            return (ScanAction.Reject, infected, new SmtpReply(550, "5.7.1", $"Message rejected: virus found ({Clean(infected.SignatureName)})"));
        }

        if (blocked is not null)
        {
            return (ScanAction.Reject, blocked, new SmtpReply(554, "5.7.1", $"Message rejected: {Clean(blocked.Reason)}"));
        }

        // the spam results from the highest score down, in scanner order on equal scores (a stable sort)
        var spamResults = SpamByScore(results);
        foreach (var r in spamResults)
        {
            if (r.Spam!.Score >= spam.RejectScore || string.Equals(r.Spam.Action, "reject", StringComparison.OrdinalIgnoreCase))
            {
                var text = r.Spam.SmtpMessage is { Length: > 0 } m ? Clean(m) : string.Create(CultureInfo.InvariantCulture, $"Message rejected as spam (score {r.Spam.Score:0.0})");
                return (ScanAction.Reject, r, new SmtpReply(550, "5.7.1", text));
            }
        }

        if (failed is not null && failPolicy == ScanFailPolicy.Defer)
        {
            return (ScanAction.Defer, failed, new SmtpReply(451, "4.7.1", "Message could not be scanned now, try again later"));
        }

        foreach (var r in spamResults)
        {
            if (r.Spam!.Action is "soft reject" or "greylist")
            {
                return (ScanAction.Defer, r, new SmtpReply(451, "4.7.1", r.Spam.SmtpMessage is { Length: > 0 } g ? Clean(g) : "Try again later"));
            }
        }

        foreach (var r in spamResults)
        {
            if (r.Spam!.Score >= spam.TagScore || r.Verdict == ScanVerdict.Spam)
            {
                return (ScanAction.Tag, r, null);
            }
        }

        return (ScanAction.Accept, null, null);
    }

    /// <summary>The results with a spam report, highest score first, scanner order kept on equal scores.</summary>
    private static ScanResult[] SpamByScore(IReadOnlyList<ScanResult> results)
    {
        var count = 0;
        foreach (var r in results)
        {
            count += r.Spam is null ? 0 : 1;
        }

        if (count == 0)
        {
            return [];
        }

        var sorted = new ScanResult[count];
        var n = 0;
        foreach (var r in results)
        {
            if (r.Spam is not null)
            {
                // insertion sort, stable: a handful of scanners
                var i = n++;
                while (i > 0 && sorted[i - 1].Spam!.Score < r.Spam.Score)
                {
                    sorted[i] = sorted[i - 1];
                    i--;
                }

                sorted[i] = r;
            }
        }

        return sorted;
    }

    /// <summary>Scanner words go into a reply line: keep them on one line.</summary>
    private static string Clean(string? text) => (text ?? "unknown").ReplaceLineEndings(" ");
}
