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
        SpamScore = results.Where(r => r.Spam is not null).Select(r => (double?)r.Spam!.Score).Max();
        var spamEdits = results.Where(r => r.Spam is not null).SelectMany(r => r.Spam!.HeaderEdits);
        HeaderEdits = [.. spamEdits];
        (Action, Deciding, Reply) = Decide(results, spam, failPolicy);
        Unscanned = Action != ScanAction.Reject && failPolicy == ScanFailPolicy.Accept && results.Any(r => r.IsFailure);
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
        if (results.FirstOrDefault(r => r.Verdict == ScanVerdict.Infected) is { } infected)
        {
            return (ScanAction.Reject, infected, new SmtpReply(550, "5.7.1", $"Message rejected: virus found ({Clean(infected.SignatureName)})"));
        }

        if (results.FirstOrDefault(r => r.Verdict == ScanVerdict.Blocked) is { } blocked)
        {
            return (ScanAction.Reject, blocked, new SmtpReply(554, "5.7.1", $"Message rejected: {Clean(blocked.Reason)}"));
        }

        var spamResults = results.Where(r => r.Spam is not null).OrderByDescending(r => r.Spam!.Score).ToList();
        if (spamResults.FirstOrDefault(r => r.Spam!.Score >= spam.RejectScore || string.Equals(r.Spam.Action, "reject", StringComparison.OrdinalIgnoreCase)) is { } rejected)
        {
            var text = rejected.Spam!.SmtpMessage is { Length: > 0 } m ? Clean(m) : string.Create(CultureInfo.InvariantCulture, $"Message rejected as spam (score {rejected.Spam.Score:0.0})");
            return (ScanAction.Reject, rejected, new SmtpReply(550, "5.7.1", text));
        }

        if (results.FirstOrDefault(r => r.IsFailure) is { } failed && failPolicy == ScanFailPolicy.Defer)
        {
            return (ScanAction.Defer, failed, new SmtpReply(451, "4.7.1", "Message could not be scanned now, try again later"));
        }

        if (spamResults.FirstOrDefault(r => r.Spam!.Action is "soft reject" or "greylist") is { } greylisted)
        {
            return (ScanAction.Defer, greylisted, new SmtpReply(451, "4.7.1", greylisted.Spam!.SmtpMessage is { Length: > 0 } g ? Clean(g) : "Try again later"));
        }

        if (spamResults.FirstOrDefault(r => r.Spam!.Score >= spam.TagScore || r.Verdict == ScanVerdict.Spam) is { } tagged)
        {
            return (ScanAction.Tag, tagged, null);
        }

        return (ScanAction.Accept, null, null);
    }

    /// <summary>Scanner words go into a reply line: keep them on one line.</summary>
    private static string Clean(string? text) => (text ?? "unknown").ReplaceLineEndings(" ");
}
