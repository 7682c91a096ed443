using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MtaKit;

/// <summary>A parsed DMARC policy record (RFC 7489 section 6.3), for example <c>v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s</c>.</summary>
public sealed class DmarcRecord
{
    private DmarcRecord(DmarcPolicy policy, DmarcPolicy? subdomainPolicy, int percent, DmarcAlignment dkim, DmarcAlignment spf, IReadOnlyList<string> reportUris)
    {
        Policy = policy;
        SubdomainPolicy = subdomainPolicy;
        Percent = percent;
        DkimAlignment = dkim;
        SpfAlignment = spf;
        AggregateReportUris = reportUris;
    }

    /// <summary>The policy (<c>p=</c>).</summary>
    public DmarcPolicy Policy { get; }

    /// <summary>The policy for subdomains (<c>sp=</c>), or <see langword="null"/> when <see cref="Policy"/> applies to them too.</summary>
    public DmarcPolicy? SubdomainPolicy { get; }

    /// <summary>The percentage of failing mail the policy applies to (<c>pct=</c>, 0-100, default 100).</summary>
    public int Percent { get; }

    /// <summary>DKIM alignment (<c>adkim=</c>).</summary>
    public DmarcAlignment DkimAlignment { get; }

    /// <summary>SPF alignment (<c>aspf=</c>).</summary>
    public DmarcAlignment SpfAlignment { get; }

    /// <summary>The aggregate report addresses (<c>rua=</c>).</summary>
    public IReadOnlyList<string> AggregateReportUris { get; }

    /// <summary>True when <paramref name="text"/> starts like a DMARC record (<c>v=DMARC1</c>); other TXT records at <c>_dmarc</c> are ignored.</summary>
    public static bool IsDmarc1(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var semi = text.IndexOf(';', StringComparison.Ordinal);
        var first = (semi < 0 ? text : text[..semi]).Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal);
        return first == "v=DMARC1";
    }

    /// <summary>
    /// Parses a record. Unknown tags are ignored; an invalid or missing <c>p=</c> is read as <c>p=none</c> when a
    /// valid <c>rua=</c> is present (RFC 7489 section 6.6.3), else an error.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DmarcRecord? record, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        record = null;
        if (!IsDmarc1(text))
        {
            error = "the record does not start with v=DMARC1";
            return false;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';').Skip(1))
        {
            var trimmed = part.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"'{trimmed}' is not tag=value";
                return false;
            }

            tags.TryAdd(trimmed[..eq].Trim().ToLowerInvariant(), trimmed[(eq + 1)..].Trim());
        }

        var rua = tags.TryGetValue("rua", out var r) ? r.Split(',').Select(u => u.Trim()).Where(IsReportUri).ToList() : [];
        DmarcPolicy? policy = tags.TryGetValue("p", out var p) ? ParsePolicy(p) : null;
        if (policy is null)
        {
            if (rua.Count == 0)
            {
                error = p is null ? "the p= tag is missing" : $"p={p} is not none, quarantine or reject";
                return false;
            }

            policy = DmarcPolicy.None;
        }

        DmarcPolicy? subdomain = null;
        if (tags.TryGetValue("sp", out var sp) && (subdomain = ParsePolicy(sp)) is null)
        {
            if (rua.Count == 0)
            {
                error = $"sp={sp} is not none, quarantine or reject";
                return false;
            }

            policy = DmarcPolicy.None;
        }

        var percent = 100;
        if (tags.TryGetValue("pct", out var pct) && (!int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out percent) || percent > 100))
        {
            error = $"pct={pct} is not a number from 0 to 100";
            return false;
        }

        if (!TryAlignment(tags, "adkim", out var dkim, out error) || !TryAlignment(tags, "aspf", out var spf, out error))
        {
            return false;
        }

        record = new DmarcRecord(policy.Value, subdomain, percent, dkim, spf, rua);
        return true;
    }

    /// <summary>The lower-case tag value of a policy (<c>none</c>, <c>quarantine</c>, <c>reject</c>).</summary>
    public static string PolicyName(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    public override string ToString()
        => $"v=DMARC1; p={PolicyName(Policy)}{(SubdomainPolicy is { } sp ? "; sp=" + PolicyName(sp) : "")}; pct={Percent}; adkim={(DkimAlignment == DmarcAlignment.Strict ? 's' : 'r')}; aspf={(SpfAlignment == DmarcAlignment.Strict ? 's' : 'r')}";

    private static DmarcPolicy? ParsePolicy(string value) => value.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };

    private static bool TryAlignment(Dictionary<string, string> tags, string name, out DmarcAlignment alignment, [NotNullWhen(false)] out string? error)
    {
        alignment = DmarcAlignment.Relaxed;
        error = null;
        if (!tags.TryGetValue(name, out var value))
        {
            return true;
        }

        switch (value.ToLowerInvariant())
        {
            case "r":
                return true;
            case "s":
                alignment = DmarcAlignment.Strict;
                return true;
            default:
                error = $"{name}={value} is not r or s";
                return false;
        }
    }

    // RFC 7489 section 6.2: a URI, optionally followed by "!" and a size limit.
    private static bool IsReportUri(string uri)
    {
        var bang = uri.IndexOf('!', StringComparison.Ordinal);
        return Uri.TryCreate(bang < 0 ? uri : uri[..bang], UriKind.Absolute, out var parsed) && parsed.Scheme.Length > 0;
    }
}
