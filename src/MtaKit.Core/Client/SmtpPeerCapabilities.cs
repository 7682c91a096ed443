using System.Globalization;

namespace MtaKit;

/// <summary>The ESMTP extensions a peer announced in its EHLO/LHLO reply.</summary>
public sealed class SmtpPeerCapabilities
{
    /// <summary>No extensions: a peer that only answered HELO.</summary>
    public static SmtpPeerCapabilities None { get; } = new([], null, []);

    private readonly HashSet<string> _keywords;

    private SmtpPeerCapabilities(HashSet<string> keywords, long? maxSize, IReadOnlyList<string> authMechanisms)
    {
        _keywords = keywords;
        MaxMessageSize = maxSize;
        AuthMechanisms = authMechanisms;
    }

    /// <summary>The extension keywords, upper case (<c>PIPELINING</c>, <c>SIZE</c>, ...).</summary>
    public IReadOnlyCollection<string> Keywords => _keywords;

    /// <summary>PIPELINING (RFC 2920).</summary>
    public bool Pipelining => Has("PIPELINING");

    /// <summary>SIZE (RFC 1870) was announced.</summary>
    public bool Size => Has("SIZE");

    /// <summary>The peer's fixed size limit from <c>SIZE n</c>, or <see langword="null"/> when none (or 0) was given.</summary>
    public long? MaxMessageSize { get; }

    /// <summary>8BITMIME (RFC 6152).</summary>
    public bool EightBitMime => Has("8BITMIME");

    /// <summary>BINARYMIME (RFC 3030).</summary>
    public bool BinaryMime => Has("BINARYMIME");

    /// <summary>CHUNKING, the BDAT command (RFC 3030).</summary>
    public bool Chunking => Has("CHUNKING");

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 => Has("SMTPUTF8");

    /// <summary>DSN (RFC 3461).</summary>
    public bool Dsn => Has("DSN");

    /// <summary>STARTTLS (RFC 3207).</summary>
    public bool StartTls => Has("STARTTLS");

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034).</summary>
    public bool EnhancedStatusCodes => Has("ENHANCEDSTATUSCODES");

    /// <summary>The SASL mechanisms of the AUTH extension, upper case; empty when AUTH was not announced.</summary>
    public IReadOnlyList<string> AuthMechanisms { get; }

    /// <summary>Whether an extension keyword was announced (case-insensitive).</summary>
    public bool Has(string keyword) => _keywords.Contains(keyword);

    /// <summary>Parses the lines of a positive EHLO/LHLO reply; the first line (the peer's name) is skipped.</summary>
    public static SmtpPeerCapabilities Parse(SmtpReply ehloReply)
    {
        ArgumentNullException.ThrowIfNull(ehloReply);
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long? maxSize = null;
        var auth = new List<string>();
        for (var i = 1; i < ehloReply.Lines.Count; i++)
        {
            var parts = ehloReply.Lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            // "AUTH=LOGIN PLAIN" is the pre-RFC form some servers still send beside "AUTH ...".
            var keyword = parts[0].StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase) ? "AUTH" : parts[0].ToUpperInvariant();
            keywords.Add(keyword);
            if (keyword == "SIZE" && parts.Length > 1
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
            {
                maxSize = size;
            }
            else if (keyword == "AUTH")
            {
                var first = parts[0].Length > 5 && parts[0][4] == '=' ? new[] { parts[0][5..] } : [];
                foreach (var mechanism in first.Concat(parts.Skip(1)))
                {
                    var upper = mechanism.ToUpperInvariant();
                    if (!auth.Contains(upper))
                    {
                        auth.Add(upper);
                    }
                }
            }
        }

        return new SmtpPeerCapabilities(keywords, maxSize, auth);
    }
}
