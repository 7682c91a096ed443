using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MtaKit;

/// <summary>An MTA-STS policy (RFC 8461 section 3.2) as fetched from <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c>. Immutable.</summary>
public sealed record MtaStsPolicy
{
    /// <summary>The largest <c>max_age</c> allowed (one year, RFC 8461 section 3.2).</summary>
    public static readonly TimeSpan MaxMaxAge = TimeSpan.FromSeconds(31_557_600);

    /// <summary>The mode.</summary>
    public required MtaStsMode Mode { get; init; }

    /// <summary>The MX patterns: host names, or <c>*.</c> followed by a domain for any single label below it; lower case.</summary>
    public required IReadOnlyList<string> MxPatterns { get; init; }

    /// <summary>How long the policy may be cached.</summary>
    public required TimeSpan MaxAge { get; init; }

    /// <summary>The policy id from the domain's <c>_mta-sts</c> TXT record (changes when the policy changes); empty when unknown.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>True when <paramref name="host"/> matches one of <see cref="MxPatterns"/> (RFC 8461 section 4.1).</summary>
    /// <param name="host">An MX host name; case and a trailing dot do not matter.</param>
    public bool MatchesMx(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = DnsName.Normalize(host);
        foreach (var pattern in MxPatterns)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                // The wildcard stands for exactly one label.
                var dot = name.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && name.AsSpan(dot + 1).Equals(pattern.AsSpan(2), StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (name.Equals(pattern, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a policy body: <c>key: value</c> lines (<c>version: STSv1</c>, <c>mode</c>, <c>max_age</c>, <c>mx</c> repeated); unknown keys are ignored.</summary>
    /// <param name="text">The policy body.</param>
    /// <param name="policy">The policy, when valid.</param>
    /// <param name="error">Why the body is not a valid policy.</param>
    public static bool TryParse(string text, [NotNullWhen(true)] out MtaStsPolicy? policy, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        policy = null;
        string? version = null, mode = null, maxAge = null;
        var mx = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"line '{line}' is not 'key: value'";
                return false;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "version":
                    version ??= value;
                    break;
                case "mode":
                    mode ??= value;
                    break;
                case "max_age":
                    maxAge ??= value;
                    break;
                case "mx":
                    mx.Add(DnsName.Normalize(value));
                    break;
            }
        }

        if (version != "STSv1")
        {
            error = version is null ? "no version" : $"unknown version '{version}'";
            return false;
        }

        MtaStsMode? parsedMode = mode switch { "enforce" => MtaStsMode.Enforce, "testing" => MtaStsMode.Testing, "none" => MtaStsMode.None, _ => null };
        if (parsedMode is not { } m)
        {
            error = mode is null ? "no mode" : $"unknown mode '{mode}'";
            return false;
        }

        if (maxAge is null || maxAge.Length > 10 || !maxAge.All(char.IsAsciiDigit) || !long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            error = maxAge is null ? "no max_age" : $"max_age '{maxAge}' is not a number of seconds";
            return false;
        }

        if (m != MtaStsMode.None && mx.Count == 0)
        {
            error = "no mx pattern";
            return false;
        }

        if (mx.FirstOrDefault(p => p.Length == 0 || p.IndexOf('*', p.StartsWith("*.", StringComparison.Ordinal) ? 1 : 0) >= 0) is { } bad)
        {
            error = $"mx pattern '{bad}' is invalid";
            return false;
        }

        policy = new MtaStsPolicy { Mode = m, MxPatterns = mx, MaxAge = TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxMaxAge.TotalSeconds)) };
        error = null;
        return true;
    }

    /// <summary>
    /// Reads the policy id from a <c>_mta-sts</c> TXT record (<c>v=STSv1; id=20160831085700Z;</c>, RFC 8461 section 3.1),
    /// or <see langword="null"/> when the record is not a valid STSv1 record.
    /// </summary>
    /// <param name="txt">One TXT record's text.</param>
    public static string? ParseTxtId(string txt)
    {
        ArgumentNullException.ThrowIfNull(txt);
        var fields = txt.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0] != "v=STSv1")
        {
            return null;
        }

        var id = fields.Skip(1).FirstOrDefault(f => f.StartsWith("id=", StringComparison.Ordinal))?[3..];
        return id is { Length: > 0 and <= 32 } && id.All(char.IsAsciiLetterOrDigit) ? id : null;
    }
}
