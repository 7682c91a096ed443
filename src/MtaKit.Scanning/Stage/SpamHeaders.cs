using System.Globalization;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// The <c>X-Spam-*</c> header fields the data-scan stage prepends, in SpamAssassin's shape so that
/// existing mailbox filters work: <c>X-Spam-Flag: YES</c>, <c>X-Spam-Score: 6.1</c>,
/// <c>X-Spam-Status: Yes, score=6.1 required=5.0 tests=A,B</c>.
/// </summary>
internal static class SpamHeaders
{
    public const string Flag = "X-Spam-Flag";
    public const string Score = "X-Spam-Score";
    public const string Status = "X-Spam-Status";

    /// <summary>The fields the stage writes itself: copies arriving with the message are removed (a sender could forge them).</summary>
    public static readonly string[] Owned = [Flag, Score, Status, ScanSummary.UnscannedHeader];

    private const int FoldAt = 76;

    /// <summary>The report the headers describe: the deciding one for a tag, else the highest score.</summary>
    public static SpamReport? Pick(ScanSummary summary)
    {
        if (summary.Deciding?.Spam is { } deciding)
        {
            return deciding;
        }

        SpamReport? highest = null;
        foreach (var r in summary.Results)
        {
            if (r.Spam is { } report && (highest is null || report.Score > highest.Score))
            {
                highest = report; // the first of equal scores
            }
        }

        return highest;
    }

    public static string FlagValue(bool isSpam) => isSpam ? "YES" : "NO";

    public static string ScoreValue(SpamReport report) => report.Score.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The status value, folded before the line would pass 78 characters.</summary>
    public static string StatusValue(bool isSpam, SpamReport report, double required)
    {
        if (report.Symbols.Count == 0)
        {
            // no symbols (a clean answer): one string, no builder
            return string.Create(CultureInfo.InvariantCulture, $"{(isSpam ? "Yes" : "No")}, score={report.Score:0.0} required={required:0.0} tests=none");
        }

        var text = new StringBuilder();
        text.Append(isSpam ? "Yes" : "No")
            .Append(CultureInfo.InvariantCulture, $", score={report.Score:0.0} required={required:0.0}");
        var line = Status.Length + 2 + text.Length;
        var first = true;
        foreach (var name in report.Symbols.Select(s => s.Name).Where(IsToken).Distinct(StringComparer.Ordinal))
        {
            var piece = (first ? " tests=" : ",") + name;
            if (line + piece.Length > FoldAt)
            {
                // fold only where white space may go: before "tests=" or after a comma
                text.Append(first ? "\r\n\t" : ",\r\n\t").Append(first ? "tests=" + name : name);
                line = 1 + (first ? 6 : 0) + name.Length;
            }
            else
            {
                text.Append(piece);
                line += piece.Length;
            }

            first = false;
        }

        if (first)
        {
            text.Append(" tests=none");
        }

        return text.ToString();
    }

    /// <summary>Symbol names come from the scanner: only plain tokens go into a header.</summary>
    private static bool IsToken(string name)
        => name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or '+');
}
