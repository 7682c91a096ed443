namespace MtaKit;

/// <summary>Parses a DKIM tag=value list (RFC 6376 section 3.2): white space removed from values; the first of a repeated tag wins.</summary>
internal static class DkimTagList
{
    public static Dictionary<string, string> Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var name = part[..eq].Trim();
            var value = new string([.. part[(eq + 1)..].Where(c => !char.IsWhiteSpace(c))]);
            tags.TryAdd(name, value);
        }

        return tags;
    }
}
