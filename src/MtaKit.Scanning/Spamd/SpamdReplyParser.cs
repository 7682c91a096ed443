using System.Globalization;
using System.Text;

namespace MtaKit.Scanning;

/// <summary>Parses a spamd reply: <c>SPAMD/1.1 0 EX_OK</c>, headers (<c>Spam: True ; 1000.0 / 5.0</c>), a blank line, and the command's body.</summary>
internal static class SpamdReplyParser
{
    /// <summary>spamd's EX_TEMPFAIL and the sysexits codes that mean a passing fault of the daemon.</summary>
    private static readonly HashSet<int> TransientCodes = [69, 70, 71, 74, 75];

    /// <summary>Parses <paramref name="reply"/> (the bytes until spamd closed the connection).</summary>
    public static ScanResult Parse(ReadOnlySpan<byte> reply, SpamdCommand command, string scanner, TimeSpan elapsed)
    {
        var text = Encoding.UTF8.GetString(reply);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headerEnd >= 0 ? text[..headerEnd] : text.TrimEnd('\r', '\n');
        var body = headerEnd >= 0 ? text[(headerEnd + 4)..] : string.Empty;
        var lines = head.Split("\r\n");

        // status line: SPAMD/1.1 0 EX_OK
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("SPAMD/", StringComparison.Ordinal)
            || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return ScanResult.Error(scanner, elapsed, lines[0].Length == 0 ? "spamd closed the connection without a reply" : "unexpected spamd reply: " + lines[0], transient: lines[0].Length == 0);
        }

        if (code != 0)
        {
            return ScanResult.Error(scanner, elapsed, "spamd: " + lines[0], TransientCodes.Contains(code));
        }

        string? spamLine = null;
        foreach (var line in lines.AsSpan(1))
        {
            if (line.StartsWith("Spam:", StringComparison.OrdinalIgnoreCase))
            {
                spamLine = line[5..];
            }
            else if (line.StartsWith("Content-length:", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line.AsSpan(15).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                && length < Encoding.UTF8.GetByteCount(body))
            {
                body = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(body), 0, length);
            }
        }

        if (spamLine is null || !TryParseSpamLine(spamLine, out var isSpam, out var score, out var required))
        {
            return ScanResult.Error(scanner, elapsed, "spamd reply has no valid Spam: header: " + head.ReplaceLineEndings(" | "), transient: false);
        }

        var report = new SpamReport
        {
            Score = score,
            RequiredScore = required,
            IsSpam = isSpam,
            Symbols = command switch
            {
                SpamdCommand.Symbols => ParseSymbols(body),
                SpamdCommand.Report => ParseReportSymbols(body),
                SpamdCommand.Headers => ParseStatusTests(body),
                _ => [],
            },
            Report = command == SpamdCommand.Report ? body : null,
            HeaderEdits = command == SpamdCommand.Headers ? ParseSpamHeaders(body) : [],
        };
        return isSpam ? ScanResult.SpamFound(scanner, elapsed, report) : ScanResult.Clean(scanner, elapsed, report);
    }

    /// <summary>Parses <c> True ; 1000.0 / 5.0</c> (also <c>Yes</c>/<c>No</c>).</summary>
    internal static bool TryParseSpamLine(string value, out bool isSpam, out double score, out double required)
    {
        isSpam = false;
        score = required = 0;
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (semicolon < 0 || slash < semicolon)
        {
            return false;
        }

        var flag = value[..semicolon].Trim();
        isSpam = flag.Equals("True", StringComparison.OrdinalIgnoreCase) || flag.Equals("Yes", StringComparison.OrdinalIgnoreCase);
        return (isSpam || flag.Equals("False", StringComparison.OrdinalIgnoreCase) || flag.Equals("No", StringComparison.OrdinalIgnoreCase))
            && double.TryParse(value.AsSpan(semicolon + 1, slash - semicolon - 1).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out score)
            && double.TryParse(value.AsSpan(slash + 1).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out required);
    }

    /// <summary>SYMBOLS body: <c>GTUBE,NO_RECEIVED,NO_RELAYS</c>, maybe without a final CRLF.</summary>
    internal static SpamSymbol[] ParseSymbols(string body)
        => [.. body.Split([',', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => new SpamSymbol(s))];

    /// <summary>REPORT body: the table after the <c>---- ----</c> rule, one <c> pts RULE_NAME description</c> line per rule.</summary>
    internal static SpamSymbol[] ParseReportSymbols(string body)
    {
        var symbols = new List<SpamSymbol>();
        var inTable = false;
        foreach (var line in body.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("----", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            if (!inTable || trimmed.Length == 0)
            {
                continue;
            }

            var parts = trimmed.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var points) && IsRuleName(parts[1]))
            {
                symbols.Add(new SpamSymbol(parts[1], points));
            }
        }

        return [.. symbols];
    }

    /// <summary>HEADERS body: the <c>tests=A,B,C</c> list of <c>X-Spam-Status</c>.</summary>
    private static SpamSymbol[] ParseStatusTests(string body)
    {
        var status = ParseSpamHeaders(body).FirstOrDefault(h => h.Name.Equals("X-Spam-Status", StringComparison.OrdinalIgnoreCase)).Value;
        var tests = status?.IndexOf("tests=", StringComparison.Ordinal) ?? -1;
        if (tests < 0)
        {
            return [];
        }

        // the list may be folded after a comma: take words up to the next key=value
        var words = status![(tests + 6)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return ParseSymbols(string.Concat(words.TakeWhile((w, i) => i == 0 || !w.Contains('=', StringComparison.Ordinal))));
    }

    /// <summary>HEADERS body: the unfolded <c>X-Spam-*</c> fields, as additions.</summary>
    internal static HeaderEdit[] ParseSpamHeaders(string body)
    {
        var edits = new List<HeaderEdit>();
        string? name = null;
        var value = new StringBuilder();
        foreach (var line in body.Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                value.Append(' ').Append(line.Trim());
                continue;
            }

            Flush();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.Length == 0)
            {
                break;
            }

            if (colon > 0 && line.StartsWith("X-Spam-", StringComparison.OrdinalIgnoreCase))
            {
                name = line[..colon];
                value.Append(line[(colon + 1)..].Trim());
            }
        }

        Flush();
        return [.. edits];

        void Flush()
        {
            if (name is not null)
            {
                edits.Add(new HeaderEdit(HeaderEditKind.Add, name, value.ToString()));
            }

            name = null;
            value.Clear();
        }
    }

    private static bool IsRuleName(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
