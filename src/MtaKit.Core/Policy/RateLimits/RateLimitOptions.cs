using System.Globalization;

namespace MtaKit;

/// <summary>The rate limits, bound from <c>MtaKit:RateLimits</c> (a list: <c>MtaKit:RateLimits:&lt;i&gt;:Key|Phase|Limit|Window|Ipv4Prefix|Ipv6Prefix</c>).</summary>
public sealed record RateLimitOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MtaKit:RateLimits";

    /// <summary>The rules; every rule of a phase is counted and the first one over its limit refuses.</summary>
    public IReadOnlyList<RateLimitRule> Rules { get; init; } = [];

    /// <summary>Checks every rule; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Rules.Count == 0)
        {
            errors.Add($"{SectionName}: at least one rule is needed.");
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            errors.AddRange(Rules[i].Validate(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{i}:")));
        }

        return errors;
    }
}
