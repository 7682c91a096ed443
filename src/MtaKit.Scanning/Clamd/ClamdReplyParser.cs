namespace MtaKit.Scanning;

/// <summary>Turns a clamd INSTREAM reply (<c>stream: OK</c>, <c>stream: NAME FOUND</c>, <c>... ERROR</c>) into a result.</summary>
internal static class ClamdReplyParser
{
    private const string SizeLimit = "size limit exceeded";

    /// <summary>Parses <paramref name="reply"/> (with or without its trailing NUL/newline and session id prefix).</summary>
    public static ScanResult Parse(string reply, string scanner, TimeSpan elapsed)
    {
        var text = reply.TrimEnd('\0', '\n', '\r', ' ');
        if (text.Length == 0)
        {
            return ScanResult.Error(scanner, elapsed, "clamd closed the connection without a reply");
        }

        // IDSESSION replies start with "<id>: "; INSTREAM ones with "stream: "
        var body = text;
        var colon = body.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0 && !body.Contains(SizeLimit, StringComparison.OrdinalIgnoreCase))
        {
            body = body[(colon + 2)..];
            var second = body.IndexOf(": ", StringComparison.Ordinal);
            if (body.StartsWith("stream", StringComparison.Ordinal) && second >= 0)
            {
                body = body[(second + 2)..];
            }
        }

        if (body.EndsWith(" FOUND", StringComparison.Ordinal))
        {
            var name = body[..^" FOUND".Length].Trim();
            return name.Length > 0
                ? ScanResult.Infected(scanner, elapsed, name)
                : ScanResult.Error(scanner, elapsed, "clamd reported FOUND without a signature name: " + text, transient: false);
        }

        if (body == "OK")
        {
            return ScanResult.Clean(scanner, elapsed);
        }

        if (text.Contains(SizeLimit, StringComparison.OrdinalIgnoreCase))
        {
            return ScanResult.TooLarge(scanner, elapsed, "clamd: " + text);
        }

        if (body.EndsWith("ERROR", StringComparison.Ordinal))
        {
            return ScanResult.Error(scanner, elapsed, "clamd: " + text);
        }

        return ScanResult.Error(scanner, elapsed, "unexpected clamd reply: " + text, transient: false);
    }
}
