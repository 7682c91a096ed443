using System.Buffers.Text;
using System.Text;

namespace MtaKit.Protocol;

/// <summary>
/// Parses SMTP command lines. The verb is recognised from the bytes without allocating; only
/// arguments that become strings (addresses, parameters) allocate.
/// </summary>
internal static class SmtpCommandParser
{
    /// <summary>Splits a command line (without CRLF) into its verb and the argument after the verb's space.</summary>
    public static SmtpVerb ParseVerb(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> argument)
    {
        var space = line.IndexOf((byte)' ');
        var word = space < 0 ? line : line[..space];
        argument = space < 0 ? default : line[(space + 1)..];
        if (word.Length is < 4 or > 8)
        {
            return SmtpVerb.Unknown;
        }

        // Fold the (ASCII) verb to upper case into a 64-bit key: one compare per verb, no allocation.
        ulong key = 0;
        for (var i = 0; i < word.Length; i++)
        {
            var b = word[i];
            if (b is >= (byte)'a' and <= (byte)'z')
            {
                b -= 32;
            }
            else if (b is < (byte)'A' or > (byte)'Z')
            {
                return SmtpVerb.Unknown;
            }

            key = (key << 8) | b;
        }

        return key switch
        {
            0x48454C4F => SmtpVerb.Helo,
            0x45484C4F => SmtpVerb.Ehlo,
            0x4C484C4F => SmtpVerb.Lhlo,
            0x4D41494C => SmtpVerb.Mail,
            0x52435054 => SmtpVerb.Rcpt,
            0x44415441 => SmtpVerb.Data,
            0x42444154 => SmtpVerb.Bdat,
            0x52534554 => SmtpVerb.Rset,
            0x4E4F4F50 => SmtpVerb.Noop,
            0x51554954 => SmtpVerb.Quit,
            0x56524659 => SmtpVerb.Vrfy,
            0x4558504E => SmtpVerb.Expn,
            0x48454C50 => SmtpVerb.Help,
            0x5354415254544C53 => SmtpVerb.StartTls,
            0x41555448 => SmtpVerb.Auth,
            _ => SmtpVerb.Unknown,
        };
    }

    /// <summary>Parses the argument of BDAT: <c>size [LAST]</c>.</summary>
    public static bool TryParseBdat(ReadOnlySpan<byte> argument, out long size, out bool last)
    {
        last = false;
        argument = argument.Trim((byte)' ');
        var space = argument.IndexOf((byte)' ');
        var number = space < 0 ? argument : argument[..space];
        if (number.Length is 0 or > 18 || number.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || !Utf8Parser.TryParse(number, out size, out var consumed) || consumed != number.Length || size < 0)
        {
            size = 0;
            return false;
        }

        if (space < 0)
        {
            return true;
        }

        var rest = argument[(space + 1)..].Trim((byte)' ');
        if (Ascii.EqualsIgnoreCase(rest, "LAST"u8))
        {
            last = true;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Parses <c>FROM:&lt;path&gt; params</c> or <c>TO:&lt;path&gt; params</c>.
    /// </summary>
    /// <param name="argument">The text after the verb.</param>
    /// <param name="keyword">"FROM:" or "TO:".</param>
    /// <param name="path">The path between the angle brackets, source route removed.</param>
    /// <param name="parameters">The text after the path.</param>
    /// <param name="hadSourceRoute">True when an RFC 5321 source route (<c>@a,@b:</c>) was removed.</param>
    public static bool TrySplitPath(string argument, string keyword, out string path, out string parameters, out bool hadSourceRoute)
    {
        path = parameters = string.Empty;
        hadSourceRoute = false;
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = argument.AsSpan(keyword.Length).TrimStart(' ');
        if (rest.Length == 0 || rest[0] != '<')
        {
            return false;
        }

        // Find the closing '>' outside a quoted string.
        var inQuotes = false;
        var end = -1;
        for (var i = 1; i < rest.Length; i++)
        {
            var c = rest[i];
            if (inQuotes && c == '\\')
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '>' && !inQuotes)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            return false;
        }

        var inner = rest[1..end];
        if (inner.Length > 0 && inner[0] == '@')
        {
            var colon = inner.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            hadSourceRoute = true;
            inner = inner[(colon + 1)..];
        }

        path = inner.ToString();
        var after = rest[(end + 1)..];
        if (after.Length > 0 && after[0] != ' ')
        {
            return false;
        }

        parameters = after.Trim(' ').ToString();
        return true;
    }

    /// <summary>Decodes RFC 3461 xtext (<c>+XX</c> hex escapes).</summary>
    public static bool TryDecodeXtext(string text, out string decoded)
    {
        if (!text.Contains('+', StringComparison.Ordinal))
        {
            decoded = text;
            return text.All(c => c is > ' ' and < (char)127 and not '=');
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigitUpper(text[i + 1]) && !char.IsAsciiDigit(text[i + 1]) || !char.IsAsciiHexDigitUpper(text[i + 2]) && !char.IsAsciiDigit(text[i + 2]))
                {
                    decoded = string.Empty;
                    return false;
                }

                sb.Append((char)Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c is <= ' ' or >= (char)127 or '=')
            {
                decoded = string.Empty;
                return false;
            }
            else
            {
                sb.Append(c);
            }
        }

        decoded = sb.ToString();
        return true;
    }

    /// <summary>Splits <c>NAME=value NAME2</c> parameters.</summary>
    public static IEnumerable<(string Name, string? Value)> SplitParameters(string parameters)
        => string.IsNullOrWhiteSpace(parameters) ? [] : Split(parameters); // no iterator for the usual RCPT without parameters

    private static IEnumerable<(string Name, string? Value)> Split(string parameters)
    {
        foreach (var part in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (part.ToUpperInvariant(), null) : (part[..eq].ToUpperInvariant(), part[(eq + 1)..]);
        }
    }
}
