using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MtaKit;

/// <summary>Macro strings of RFC 7208 section 7: syntax checks and expansion.</summary>
internal static class SpfMacro
{
    private const string Delimiters = ".-+,/_=";
    private const string HexDigits = "0123456789abcdef";

    /// <summary>True when <paramref name="text"/> is a valid macro-string (or explain-string: spaces, and c/r/t allowed).</summary>
    public static bool IsValid(string text, bool explanation)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (!TryParseExpand(text, ref i, explanation, out _))
                {
                    return false;
                }
            }
            else if (c is < '!' or > '~' && !(explanation && c == ' '))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a valid domain-spec: a macro-string ending in "." toplabel (optionally ".") or in a macro-expand.</summary>
    public static bool IsValidDomainSpec(string text)
    {
        if (text.Length == 0 || !IsValid(text, explanation: false))
        {
            return false;
        }

        if (text[^1] == '}')
        {
            return true; // ends with a macro-expand (validated above)
        }

        var literal = text.EndsWith('.') ? text[..^1] : text;
        var lastDot = literal.LastIndexOf('.');
        if (lastDot < 0 || literal.IndexOf('%', lastDot) >= 0)
        {
            return false;
        }

        var top = literal[(lastDot + 1)..];
        return top.Length > 0 && top.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && top[0] != '-' && top[^1] != '-'
            && (top.Any(char.IsAsciiLetter) || top.Contains('-', StringComparison.Ordinal));
    }

    /// <summary>Expands a validated macro-string.</summary>
    public static async ValueTask<string> ExpandAsync(string text, SpfEvaluation evaluation, string domain, bool explanation)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            TryParseExpand(text, ref i, explanation, out var macro);
            switch (macro.Letter)
            {
                case '%':
                    sb.Append('%');
                    continue;
                case '_':
                    sb.Append(' ');
                    continue;
                case '-':
                    sb.Append("%20");
                    continue;
            }

            var value = await ValueAsync(char.ToLowerInvariant(macro.Letter), evaluation, domain).ConfigureAwait(false);
            var parts = value.Split(macro.Delimiters.Length == 0 ? ['.'] : macro.Delimiters.ToCharArray());
            if (macro.Reverse)
            {
                Array.Reverse(parts);
            }

            if (macro.Keep > 0 && macro.Keep < parts.Length)
            {
                parts = parts[^macro.Keep..];
            }

            var expanded = string.Join('.', parts);
            sb.Append(char.IsUpper(macro.Letter) ? Uri.EscapeDataString(expanded) : expanded);
        }

        return sb.ToString();
    }

    /// <summary>Expands a domain-spec and cuts labels from the left until it fits 253 octets (section 7.3).</summary>
    public static async ValueTask<string> ExpandDomainAsync(string domainSpec, SpfEvaluation evaluation, string domain)
    {
        var expanded = await ExpandAsync(domainSpec, evaluation, domain, explanation: false).ConfigureAwait(false);
        if (expanded.EndsWith('.'))
        {
            expanded = expanded[..^1];
        }

        while (expanded.Length > 253 && expanded.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0)
        {
            expanded = expanded[(dot + 1)..];
        }

        return expanded;
    }

    private static async ValueTask<string> ValueAsync(char letter, SpfEvaluation e, string domain) => letter switch
    {
        's' => e.Sender,
        'l' => e.LocalPart,
        'o' => e.SenderDomain,
        'd' => domain,
        'i' => e.Address.AddressFamily == AddressFamily.InterNetwork ? e.Address.ToString() : Nibbles(e.Address.GetAddressBytes()),
        'v' => e.Address.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6",
        'h' => e.Helo,
        'c' => e.Address.ToString(),
        'r' => e.ReceiverName,
        't' => e.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => await e.ValidatedNameAsync(domain).ConfigureAwait(false), // 'p'
    };

    private static string Nibbles(byte[] bytes)
    {
        var sb = new StringBuilder(64);
        foreach (var b in bytes)
        {
            sb.Append(HexDigits[b >> 4]).Append('.').Append(HexDigits[b & 0xF]).Append('.');
        }

        return sb.ToString(0, sb.Length - 1);
    }

    // At text[i] == '%': parses "%%", "%_", "%-" or "%{" letter *digit ["r"] *delimiter "}" and leaves i on its last char.
    private static bool TryParseExpand(string text, ref int i, bool explanation, out Macro macro)
    {
        macro = default;
        if (i + 1 >= text.Length)
        {
            return false;
        }

        var next = text[i + 1];
        if (next is '%' or '_' or '-')
        {
            macro = new Macro(next, 0, false, string.Empty);
            i++;
            return true;
        }

        if (next != '{' || i + 2 >= text.Length)
        {
            return false;
        }

        var letter = text[i + 2];
        var lower = char.ToLowerInvariant(letter);
        if (!"slodiphv".Contains(lower, StringComparison.Ordinal) && !(explanation && "crt".Contains(lower, StringComparison.Ordinal)))
        {
            return false;
        }

        var j = i + 3;
        var digitsStart = j;
        while (j < text.Length && char.IsAsciiDigit(text[j]))
        {
            j++;
        }

        var keep = 0;
        if (j > digitsStart && (!int.TryParse(text.AsSpan(digitsStart, j - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out keep) || keep == 0 || keep > 128))
        {
            return false;
        }

        var reverse = j < text.Length && (text[j] is 'r' or 'R');
        if (reverse)
        {
            j++;
        }

        var delimitersStart = j;
        while (j < text.Length && Delimiters.Contains(text[j], StringComparison.Ordinal))
        {
            j++;
        }

        if (j >= text.Length || text[j] != '}')
        {
            return false;
        }

        macro = new Macro(letter, keep, reverse, text[delimitersStart..j]);
        i = j;
        return true;
    }

    private readonly record struct Macro(char Letter, int Keep, bool Reverse, string Delimiters);
}
