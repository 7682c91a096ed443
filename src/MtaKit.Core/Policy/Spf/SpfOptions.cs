namespace MtaKit;

/// <summary>Options of the <see cref="SpfEvaluator"/>, bound from <c>MtaKit:Spf</c>. The limits default to RFC 7208's.</summary>
public sealed class SpfOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:Spf";

    /// <summary>The name of this host, for the <c>%{r}</c> macro and the <c>Received-SPF</c> header.</summary>
    /// <value>The default value is <c>unknown</c> (as RFC 7208 section 7.3 says when it is not known).</value>
    public string ReceiverName { get; init; } = "unknown";

    /// <summary>The most terms that cause DNS lookups (include, a, mx, ptr, exists, redirect) per check.</summary>
    /// <value>The default value is 10 (RFC 7208 section 4.6.4).</value>
    public int DnsLookupLimit { get; init; } = 10;

    /// <summary>The most lookups answering NXDOMAIN or NODATA per check.</summary>
    /// <value>The default value is 2 (RFC 7208 section 4.6.4).</value>
    public int VoidLookupLimit { get; init; } = 2;

    /// <summary>The most MX names, and PTR names, one <c>mx</c>/<c>ptr</c> term (or <c>%{p}</c>) looks at.</summary>
    /// <value>The default value is 10 (RFC 7208 section 4.6.4).</value>
    public int NameLookupLimit { get; init; } = 10;

    /// <summary>The explanation of a <see cref="SpfResult.Fail"/> when the domain gives none.</summary>
    /// <value>The default value is <c>SPF fail - not authorized</c>.</value>
    public string DefaultExplanation { get; init; } = "SPF fail - not authorized";

    /// <summary>Throws <see cref="ArgumentException"/> naming the key of the first invalid value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ReceiverName))
        {
            throw new ArgumentException($"{SectionName}:ReceiverName must not be empty.");
        }

        if (DnsLookupLimit < 1 || VoidLookupLimit < 0 || NameLookupLimit < 1)
        {
            throw new ArgumentException($"{SectionName}:DnsLookupLimit and NameLookupLimit must be at least 1, {SectionName}:VoidLookupLimit at least 0.");
        }
    }
}
