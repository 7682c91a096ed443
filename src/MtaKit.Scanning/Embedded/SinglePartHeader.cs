using System.Text;

namespace MtaKit.Scanning;

/// <summary>
/// Recognises, from the raw header bytes alone, a message that is one text part whose body bytes are
/// its content: no <c>Content-Type</c> or a <c>text/*</c> one without a file name, no <c>Content-Disposition</c>,
/// and no or an identity <c>Content-Transfer-Encoding</c> (7bit, 8bit, binary). For such a message
/// MimeKit would give exactly one part, the body as it is, so the embedded scanners need no MIME parse.
/// Anything else, or anything unusual (a field line without a colon, white space before a colon,
/// repeated fields, comments or a name parameter in <c>Content-Type</c>, no end of the header section),
/// is left to the MIME parser.
/// </summary>
internal static class SinglePartHeader
{
    private const string TextPlain = "text/plain";
    private const string TextPlainDescription = "part 1 (text/plain)";

    /// <summary>True when <paramref name="message"/> is such a message.</summary>
    /// <param name="message">The raw message.</param>
    /// <param name="bodyStart">The offset of the body (after the empty line).</param>
    /// <param name="mimeType">The lower-case MIME type (<c>text/plain</c> without a <c>Content-Type</c>).</param>
    /// <param name="description">The part's description, as the MIME path words it.</param>
    public static bool TryRead(ReadOnlySpan<byte> message, out int bodyStart, out string mimeType, out string description)
    {
        bodyStart = 0;
        mimeType = TextPlain;
        description = TextPlainDescription;
        ReadOnlySpan<byte> contentType = default;
        var seenContentType = false;
        var seenEncoding = false;
        var fields = 0;
        var position = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                return false; // no empty line: header only, the parser decides
            }

            var rest = message[position..];
            if (rest.StartsWith("\r\n"u8) || rest[0] == '\n')
            {
                bodyStart = position + (rest[0] == '\r' ? 2 : 1);
                break;
            }

            // one field: its first line and the continuation lines that start with SP or HT
            var end = position;
            do
            {
                var lf = message[end..].IndexOf((byte)'\n');
                if (lf < 0)
                {
                    return false;
                }

                end += lf + 1;
            }
            while (end < message.Length && message[end] is (byte)' ' or (byte)'\t');

            var field = message[position..end];
            position = end;
            fields++;
            var colon = field.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(field[..colon]))
            {
                return false;
            }

            var name = field[..colon];
            var value = field[(colon + 1)..];
            if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                if (seenContentType)
                {
                    return false;
                }

                seenContentType = true;
                contentType = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Transfer-Encoding"u8))
            {
                if (seenEncoding)
                {
                    return false;
                }

                seenEncoding = true;
                var encoding = Trim(value);
                if (!Ascii.EqualsIgnoreCase(encoding, "7bit"u8) && !Ascii.EqualsIgnoreCase(encoding, "8bit"u8) && !Ascii.EqualsIgnoreCase(encoding, "binary"u8))
                {
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Disposition"u8))
            {
                return false;
            }
        }

        return fields > 0 && (!seenContentType || TryReadText(contentType, out mimeType, out description));
    }

    /// <summary>Reads a <c>text/*</c> type with harmless parameters (charset, format, ...) from a <c>Content-Type</c> value.</summary>
    private static bool TryReadText(ReadOnlySpan<byte> value, out string mimeType, out string description)
    {
        mimeType = TextPlain;
        description = TextPlainDescription;
        var semicolon = value.IndexOf((byte)';');
        var type = Trim(semicolon < 0 ? value : value[..semicolon]);
        var parameters = semicolon < 0 ? default : value[(semicolon + 1)..];
        if (value.IndexOfAny("(\\"u8) >= 0 || ContainsIgnoreCase(parameters, "name"u8))
        {
            return false; // comments or escapes, or a name/filename parameter (an attachment)
        }

        var slash = type.IndexOf((byte)'/');
        if (slash <= 0 || !Ascii.EqualsIgnoreCase(type[..slash], "text"u8) || !IsToken(type[(slash + 1)..]))
        {
            return false;
        }

        if (type.SequenceEqual("text/plain"u8))
        {
            return true;
        }

        var original = Encoding.ASCII.GetString(type);
        mimeType = original.ToLowerInvariant();
        description = $"part 1 ({original})";
        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b is <= (byte)' ' or >= 127 or (byte)':' or (byte)'/' or (byte)';' or (byte)'"' or (byte)'(' or (byte)')' or (byte)',' or (byte)'<' or (byte)'>' or (byte)'@' or (byte)'[' or (byte)']' or (byte)'?' or (byte)'=' or (byte)'\\')
            {
                return false;
            }
        }

        return name.Length > 0;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value) => value.Trim(" \t\r\n"u8);

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> word)
    {
        for (var i = 0; i + word.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, word.Length), word))
            {
                return true;
            }
        }

        return false;
    }
}
