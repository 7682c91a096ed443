using System.Text;

namespace MtaKit;

/// <summary>
/// Formats the <c>Authentication-Results</c> header field (RFC 8601) from SPF, DKIM and DMARC results, and recognises
/// fields that claim our authserv-id (forged ones must be removed, RFC 8601 section 5).
/// </summary>
/// <example>
/// <code>
/// Authentication-Results: mx.example.org;
///	spf=pass smtp.mailfrom=a@example.com;
///	dkim=pass header.d=example.com header.s=sel1 header.b="AbC/dE+f";
///	dmarc=pass (p=reject dis=none) header.from=example.com
/// </code>
/// </example>
public static class AuthenticationResultsHeader
{
    /// <summary>The field name.</summary>
    public const string FieldName = "Authentication-Results";

    /// <summary>
    /// Formats the field value (without the name), folded with CRLF TAB between results. A <see langword="null"/> SPF or DMARC
    /// result is left out; a <see langword="null"/> or empty DKIM result is <c>dkim=none</c>.
    /// </summary>
    /// <param name="authServId">Our authserv-id: the server's host name.</param>
    /// <param name="spf">The SPF result, or <see langword="null"/>.</param>
    /// <param name="dkim">The DKIM results, or <see langword="null"/>.</param>
    /// <param name="dmarc">The DMARC result, or <see langword="null"/>.</param>
    public static string Format(string authServId, SpfCheckResult? spf, DkimCheckResult? dkim, DmarcCheckResult? dmarc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authServId);
        var results = new List<string>();
        if (spf is not null)
        {
            var property = spf.Identity == "helo" ? "smtp.helo=" + Value(spf.Helo ?? spf.Domain) : "smtp.mailfrom=" + Value(spf.Sender);
            results.Add($"spf={SpfCheckResult.ResultName(spf.Result)} {property}");
        }

        if (dkim is null || dkim.Signatures.Count == 0)
        {
            results.Add("dkim=none");
        }
        else
        {
            foreach (var s in dkim.Signatures)
            {
                var reason = s.Problem is null ? "" : " (" + Comment(s.Problem) + ")";
                results.Add($"dkim={DkimSignatureResult.ResultName(s.Result)}{reason} header.d={Value(s.Domain)} header.s={Value(s.Selector)} header.b={Value(s.SignaturePrefix)}");
            }
        }

        if (dmarc is not null)
        {
            var sb = new StringBuilder("dmarc=").Append(DmarcCheckResult.ResultName(dmarc.Result));
            if (dmarc.RequestedPolicy is { } p)
            {
                sb.Append(" (p=").Append(DmarcRecord.PolicyName(p)).Append(" dis=").Append(DmarcRecord.PolicyName(dmarc.AppliedPolicy)).Append(')');
            }
            else if (dmarc.Problem is not null && dmarc.Result != DmarcResult.None)
            {
                sb.Append(" (").Append(Comment(dmarc.Problem)).Append(')');
            }

            if (dmarc.FromDomain is not null)
            {
                sb.Append(" header.from=").Append(Value(dmarc.FromDomain));
            }

            results.Add(sb.ToString());
        }

        return Value(authServId) + ";\r\n\t" + string.Join(";\r\n\t", results);
    }

    /// <summary>True when an unfolded field value claims <paramref name="authServId"/> (case-insensitive, RFC 8601 section 5).</summary>
    public static bool ClaimsAuthServId(string fieldValue, string authServId)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        ArgumentNullException.ThrowIfNull(authServId);
        var value = fieldValue.TrimStart();
        if (value.StartsWith('('))
        {
            var close = value.IndexOf(')', StringComparison.Ordinal);
            value = close < 0 ? value : value[(close + 1)..].TrimStart();
        }

        var end = value.IndexOfAny([';', ' ', '\t', '\r', '\n']);
        var id = (end < 0 ? value : value[..end]).Trim('"');
        return id.Equals(authServId, StringComparison.OrdinalIgnoreCase);
    }

    // RFC 2045 token when possible, else a quoted-string; control and non-ASCII characters become '?'.
    private static string Value(string text)
    {
        var clean = new string([.. text.Select(c => c is < ' ' or > '~' ? '?' : c)]);
        var isToken = clean.Length > 0 && clean.All(c => c > ' ' && !"()<>@,;:\\\"/[]?=".Contains(c, StringComparison.Ordinal));
        var isAddress = clean.Count(c => c == '@') == 1 && clean.Split('@').All(p => p.All(c => c > ' ' && !"()<>,;:\\\"/[]?=".Contains(c, StringComparison.Ordinal)));
        return isToken || isAddress ? clean : "\"" + clean.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string Comment(string text)
        => new([.. text.Select(c => c is < ' ' or > '~' or '(' or ')' or '\\' ? '?' : c)]);
}
