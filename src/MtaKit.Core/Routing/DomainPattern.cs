namespace MtaKit.Routing;

/// <summary>
/// A domain pattern: an exact domain (<c>example.test</c>), a subdomain wildcard
/// (<c>*.example.test</c>: every subdomain, not the domain itself), or <c>*</c> (any domain).
/// Compared after normalisation (case, trailing dot, IDNA A-labels).
/// </summary>
public sealed class DomainPattern : IEquatable<DomainPattern>
{
    private DomainPattern(string text, string normalised, int kind)
    {
        Text = text;
        Normalised = normalised;
        _kind = kind;
    }

    private readonly int _kind; // 0 exact, 1 wildcard subdomains, 2 any

    /// <summary>The pattern as configured.</summary>
    public string Text { get; }

    /// <summary>The normalised pattern (<c>example.test</c>, <c>*.example.test</c> or <c>*</c>).</summary>
    public string Normalised { get; }

    /// <summary>True for <c>*</c>.</summary>
    public bool IsAny => _kind == 2;

    /// <summary>How specific the pattern is: exact beats a longer wildcard beats a shorter one beats <c>*</c>.</summary>
    public int Specificity => _kind switch { 0 => 10_000 + Normalised.Length, 1 => Normalised.Length, _ => 0 };

    /// <summary>Parses a pattern.</summary>
    /// <exception cref="FormatException">The pattern is not a domain, <c>*.domain</c> or <c>*</c>.</exception>
    public static DomainPattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t == "*")
        {
            return new DomainPattern(text, "*", 2);
        }

        var wildcard = t.StartsWith("*.", StringComparison.Ordinal);
        var domain = Mailbox.NormaliseDomain(wildcard ? t[2..] : t)
            ?? throw new FormatException($"'{text}' is not a domain pattern (use example.test, *.example.test or *).");
        return wildcard ? new DomainPattern(text, "*." + domain, 1) : new DomainPattern(text, domain, 0);
    }

    /// <summary>True when <paramref name="asciiDomain"/> (already normalised, see <see cref="Mailbox.AsciiDomain"/>) matches.</summary>
    public bool Matches(string asciiDomain)
    {
        ArgumentNullException.ThrowIfNull(asciiDomain);
        return _kind switch
        {
            0 => string.Equals(asciiDomain, Normalised, StringComparison.Ordinal),
            1 => asciiDomain.Length > Normalised.Length - 1 && asciiDomain.EndsWith(Normalised.AsSpan(1), StringComparison.Ordinal),
            _ => true,
        };
    }

    /// <inheritdoc/>
    public bool Equals(DomainPattern? other) => other is not null && other.Normalised == Normalised;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DomainPattern);

    /// <inheritdoc/>
    public override int GetHashCode() => Normalised.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Normalised;
}
