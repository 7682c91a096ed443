using System.Globalization;

namespace MtaKit;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/): finds a domain's public suffix and its
/// organisational domain (RFC 7489 section 3.2: the public suffix plus one label). Rules of both the ICANN and
/// the private sections apply; names are compared in ASCII (IDN rules are converted with punycode).
/// Immutable and thread-safe.
/// </summary>
public sealed class PublicSuffixList
{
    private const string ResourceName = "MtaKit.public_suffix_list.dat";
    private static readonly Lazy<PublicSuffixList> Embedded = new(LoadEmbedded);
    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions)
    {
        _rules = rules;
        _wildcards = wildcards;
        _exceptions = exceptions;
    }

    /// <summary>The list embedded in MtaKit.Core (Debian publicsuffix 20230209; MPL-2.0, see THIRD-PARTY-NOTICES.md).</summary>
    public static PublicSuffixList Default => Embedded.Value;

    /// <summary>The number of rules.</summary>
    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>Reads a list in the publicsuffix.org format (for a newer copy than the embedded one).</summary>
    /// <exception cref="FormatException">The file holds no rules.</exception>
    public static PublicSuffixList Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses a list in the publicsuffix.org format: one rule a line, <c>//</c> comments, <c>*.</c> wildcards, <c>!</c> exceptions.</summary>
    /// <exception cref="FormatException">The text holds no rules.</exception>
    public static PublicSuffixList Parse(TextReader reader, string source = "public suffix list")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var wildcards = new HashSet<string>(StringComparer.Ordinal);
        var exceptions = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            var blank = rule.IndexOfAny([' ', '\t']);
            if (blank >= 0)
            {
                rule = rule[..blank];
            }

            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            if (rule[0] == '!')
            {
                exceptions.Add(ToAscii(rule[1..]));
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                wildcards.Add(ToAscii(rule[2..]));
            }
            else
            {
                rules.Add(ToAscii(rule));
            }
        }

        return rules.Count + wildcards.Count == 0 ? throw new FormatException($"{source} holds no public suffix rules.") : new PublicSuffixList(rules, wildcards, exceptions);
    }

    /// <summary>The public suffix of <paramref name="domain"/> (<c>co.uk</c> for <c>mail.example.co.uk</c>), lower-case ASCII.</summary>
    public string GetPublicSuffix(string domain)
    {
        var name = ToAscii(domain);
        var labels = name.Split('.');
        return string.Join('.', labels, labels.Length - SuffixLabelCount(name, labels), SuffixLabelCount(name, labels));
    }

    /// <summary>
    /// The organisational domain of <paramref name="domain"/> (<c>example.co.uk</c> for <c>mail.example.co.uk</c>), lower-case ASCII;
    /// a public suffix itself is its own organisational domain.
    /// </summary>
    public string GetOrganizationalDomain(string domain)
    {
        var name = ToAscii(domain);
        var labels = name.Split('.');
        var take = Math.Min(labels.Length, SuffixLabelCount(name, labels) + 1);
        return string.Join('.', labels, labels.Length - take, take);
    }

    // The number of labels of the prevailing rule's suffix: exceptions first, then the longest match, default "*".
    private int SuffixLabelCount(string name, string[] labels)
    {
        var start = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var suffix = name[start..];
            var count = labels.Length - i;
            if (_exceptions.Contains(suffix))
            {
                return count - 1;
            }

            if (_rules.Contains(suffix))
            {
                return count;
            }

            if (i + 1 < labels.Length && _wildcards.Contains(name[(start + labels[i].Length + 1)..]))
            {
                return count;
            }

            start += labels[i].Length + 1;
        }

        return 1;
    }

    private static string ToAscii(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (name.All(char.IsAscii))
        {
            return name;
        }

        try
        {
            return Idn.GetAscii(name);
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    private static PublicSuffixList LoadEmbedded()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from MtaKit.Core.");
        using var reader = new StreamReader(stream);
        return Parse(reader, ResourceName);
    }
}
