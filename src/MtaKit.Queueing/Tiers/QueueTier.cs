using System.Globalization;

namespace MtaKit.Queueing;

/// <summary>The validated, immutable form of <see cref="TierOptions"/> that the queue runs with.</summary>
public sealed class QueueTier
{
    private QueueTier(TierOptions options)
    {
        Name = options.Name;
        Window = options.Window;
        RetryRules = ParseRetry(options.Retry);
        NextTier = [.. options.NextTier];
        DelayWarning = options.DelayWarning;
        Policy = options.Policy;
    }

    /// <summary>The tier's name.</summary>
    public string Name { get; }

    /// <summary>How long after original arrival a message may stay in this tier.</summary>
    public TimeSpan Window { get; }

    /// <summary>The retry rules.</summary>
    public RetryRuleSet RetryRules { get; }

    /// <summary>The next tier's endpoints; empty for the last tier.</summary>
    public IReadOnlyList<string> NextTier { get; }

    /// <summary>When (after original arrival) to send a delay warning, or <see langword="null"/> for never.</summary>
    public TimeSpan? DelayWarning { get; }

    /// <summary>The tier policy's name.</summary>
    public string Policy { get; }

    /// <summary>True when there is no next tier: expired messages are returned to their sender.</summary>
    public bool IsLastTier => NextTier.Count == 0;

    /// <summary>Validates options and creates the tier.</summary>
    /// <param name="options">The options.</param>
    /// <param name="section">The configuration path of the options, for error messages.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its configuration key.</exception>
    public static QueueTier Create(TierOptions options, string section = "MtaKit:Queue:Tier")
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(section);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        return new QueueTier(options);
    }

    /// <summary>Returns when a message's stay in this tier ends by the window: original arrival plus <see cref="Window"/>.</summary>
    /// <param name="entry">The message.</param>
    public DateTimeOffset WindowEnd(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.OriginalArrival + Window;
    }

    internal static RetryRuleSet ParseRetry(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        var isSchedule = trimmed.Length > 1 && char.ToUpperInvariant(trimmed[0]) is 'F' or 'G' or 'H' && trimmed[1..].TrimStart().StartsWith(",", StringComparison.Ordinal);
        return isSchedule ? RetryRuleSet.ForAll(RetrySchedule.Parse(text)) : RetryRuleSet.Parse(text);
    }

    internal static bool IsValidEndpoint(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || endpoint.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || endpoint.EndsWith(']'))
        {
            return true;
        }

        if (endpoint.IndexOf(':', StringComparison.Ordinal) != colon && !endpoint.StartsWith('['))
        {
            return true; // a bare IPv6 address
        }

        return colon > 0
            && int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535;
    }
}
