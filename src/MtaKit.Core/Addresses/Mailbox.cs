using System.Globalization;
using System.Text;

namespace MtaKit;

/// <summary>
/// An RFC 5321 mailbox (<c>local-part@domain</c>) from a MAIL or RCPT command, with the domain
/// normalised for comparison (lower case, no trailing dot, IDNA A-labels). Immutable.
/// </summary>
public sealed class Mailbox : IEquatable<Mailbox>
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };
    private string? _address;

    private Mailbox(string localPart, string domain, string asciiDomain, bool isQuoted, bool isAddressLiteral)
    {
        LocalPart = localPart;
        Domain = domain;
        AsciiDomain = asciiDomain;
        IsQuotedLocalPart = isQuoted;
        IsAddressLiteral = isAddressLiteral;
    }

    /// <summary>The local part as sent (quotes removed, escapes resolved).</summary>
    public string LocalPart { get; }

    /// <summary>The domain as sent (without a trailing dot); empty only for the special <c>Postmaster</c> recipient.</summary>
    public string Domain { get; }

    /// <summary>The domain for comparisons and DNS: lower case, A-labels, no trailing dot (for an address literal, the literal text).</summary>
    public string AsciiDomain { get; }

    /// <summary>True when the local part was a quoted string.</summary>
    public bool IsQuotedLocalPart { get; }

    /// <summary>True when the domain is an address literal such as <c>[192.0.2.1]</c>.</summary>
    public bool IsAddressLiteral { get; }

    /// <summary>True when the local part or the domain holds non-ASCII characters (needs SMTPUTF8).</summary>
    public bool IsInternational => !Ascii.IsValid(LocalPart) || !Ascii.IsValid(Domain);

    /// <summary>The address as it is written in SMTP: <c>local@domain</c>, quoting the local part when needed.</summary>
    public string Address => _address ??= Domain.Length == 0 ? FormatLocalPart(LocalPart) : FormatLocalPart(LocalPart) + "@" + Domain; // built once: read per recipient by the relay, logs and headers

    /// <summary>The special recipient <c>&lt;Postmaster&gt;</c> without a domain (RFC 5321 4.1.1.3).</summary>
    public bool IsPostmasterWithoutDomain => Domain.Length == 0;

    /// <summary>Creates a mailbox from its parts.</summary>
    /// <exception cref="FormatException">A part is not valid.</exception>
    public static Mailbox Create(string localPart, string domain)
        => TryParse(FormatLocalPart(localPart) + "@" + domain, out var m, out var error) ? m : throw new FormatException(error);

    /// <summary>Parses <c>local@domain</c> (no angle brackets).</summary>
    /// <exception cref="FormatException">The text is not a mailbox.</exception>
    public static Mailbox Parse(string text)
        => TryParse(text, out var m, out var error) ? m : throw new FormatException(error);

    /// <summary>Tries to parse <c>local@domain</c> (no angle brackets).</summary>
    /// <param name="text">The mailbox text.</param>
    /// <param name="mailbox">The mailbox parsed.</param>
    /// <param name="error">Why the text is not a mailbox.</param>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Mailbox? mailbox, out string? error)
    {
        mailbox = null;
        error = null;
        if (text.Length == 0)
        {
            error = "empty address";
            return false;
        }

        if (text.Length > 320)
        {
            error = "address too long";
            return false;
        }

        string localPart;
        int pos;
        var quoted = false;
        if (text[0] == '"')
        {
            quoted = true;
            var sb = new StringBuilder();
            pos = 1;
            var closed = false;
            while (pos < text.Length)
            {
                var c = text[pos];
                if (c == '\\')
                {
                    if (pos + 1 >= text.Length || text[pos + 1] < 32 || text[pos + 1] == 127)
                    {
                        error = "bad quoted-pair in local part";
                        return false;
                    }

                    sb.Append(text[pos + 1]);
                    pos += 2;
                    continue;
                }

                if (c == '"')
                {
                    closed = true;
                    pos++;
                    break;
                }

                if (c < 32 || c == 127)
                {
                    error = "control character in local part";
                    return false;
                }

                sb.Append(c);
                pos++;
            }

            if (!closed)
            {
                error = "unterminated quoted local part";
                return false;
            }

            localPart = sb.ToString();
        }
        else
        {
            pos = 0;
            while (pos < text.Length && text[pos] != '@')
            {
                if (!IsAtext(text[pos]) && text[pos] != '.')
                {
                    error = $"invalid character '{text[pos]}' in local part";
                    return false;
                }

                pos++;
            }

            var lp = text[..pos];
            if (lp.Length == 0 || lp[0] == '.' || lp[^1] == '.' || lp.Contains("..", StringComparison.Ordinal))
            {
                error = "invalid local part";
                return false;
            }

            localPart = lp.ToString();
        }

        if (Encoding.UTF8.GetByteCount(localPart) > 64)
        {
            error = "local part longer than 64 octets";
            return false;
        }

        if (pos == text.Length)
        {
            if (!quoted && localPart.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
            {
                mailbox = new Mailbox(localPart, string.Empty, string.Empty, false, false);
                return true;
            }

            error = "missing domain";
            return false;
        }

        if (text[pos] != '@')
        {
            error = "expected '@' after local part";
            return false;
        }

        var domainText = text[(pos + 1)..];
        if (!TryNormaliseDomain(domainText, out var domain, out var ascii, out var literal, out error))
        {
            return false;
        }

        mailbox = new Mailbox(localPart, domain, ascii, quoted, literal);
        return true;
    }

    /// <summary>
    /// Normalises a domain for comparison: lower case, no trailing dot, IDNA A-labels. Address literals are kept as written (lower case).
    /// </summary>
    /// <returns>The normalised domain, or <see langword="null"/> when it is not a valid domain.</returns>
    public static string? NormaliseDomain(string domain)
        => TryNormaliseDomain(domain, out _, out var ascii, out _, out _) ? ascii : null;

    private static bool TryNormaliseDomain(ReadOnlySpan<char> text, out string domain, out string ascii, out bool literal, out string? error)
    {
        domain = ascii = string.Empty;
        literal = false;
        error = null;
        if (text.Length == 0)
        {
            error = "empty domain";
            return false;
        }

        if (text[0] == '[')
        {
            if (text[^1] != ']' || text.Length < 3)
            {
                error = "malformed address literal";
                return false;
            }

            var inner = text[1..^1];
            var ok = inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)
                ? System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                : System.Net.IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && inner.Count('.') == 3;
            if (!ok)
            {
                error = "invalid address literal";
                return false;
            }

            literal = true;
            domain = text.ToString();
            ascii = domain.ToLowerInvariant();
            return true;
        }

        if (text[^1] == '.')
        {
            text = text[..^1];
        }

        if (text.Length == 0 || text.Length > 253)
        {
            error = "invalid domain length";
            return false;
        }

        domain = text.ToString();
        string a;
        if (Ascii.IsValid(text))
        {
            a = domain.ToLowerInvariant();
        }
        else
        {
            try
            {
                a = Idn.GetAscii(domain).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                error = "invalid internationalised domain";
                return false;
            }
        }

        foreach (var range in a.AsSpan().Split('.'))
        {
            var label = a.AsSpan(range);
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                error = "invalid domain label";
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                {
                    error = $"invalid character '{c}' in domain";
                    return false;
                }
            }
        }

        ascii = a;
        return true;
    }

    private static bool IsAtext(char c)
        => char.IsAsciiLetterOrDigit(c) || c > 127 || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    private static string FormatLocalPart(string localPart)
    {
        var needsQuotes = localPart.Length == 0 || localPart[0] == '.' || localPart[^1] == '.' || localPart.Contains("..", StringComparison.Ordinal);
        foreach (var c in localPart)
        {
            if (!IsAtext(c) && c != '.')
            {
                needsQuotes = true;
                break;
            }
        }

        if (!needsQuotes)
        {
            return localPart;
        }

        var sb = new StringBuilder("\"");
        foreach (var c in localPart)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Compares the local part exactly and the domain after normalisation.</summary>
    public bool Equals(Mailbox? other)
        => other is not null && string.Equals(LocalPart, other.LocalPart, StringComparison.Ordinal) && string.Equals(AsciiDomain, other.AsciiDomain, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Mailbox);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(LocalPart, AsciiDomain);

    /// <summary>Returns <see cref="Address"/>.</summary>
    public override string ToString() => Address;
}
