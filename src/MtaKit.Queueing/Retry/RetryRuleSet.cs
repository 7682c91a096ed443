namespace MtaKit.Queueing;

/// <summary>
/// An ordered list of retry rules, one per line: <c>&lt;domain pattern&gt; &lt;error kind&gt; &lt;schedule&gt;</c>.
/// The first rule matching the destination and the failure applies (as in Exim). Blank lines and
/// lines starting with <c>#</c> are ignored.
/// </summary>
/// <example>
/// <code>
/// # slow host: back off quickly
/// mx.slow.example   timeout   F,1h,20m; G,2d,1h,2
/// *.example.com     rcpt_4xx  F,4h,5m; F,5d,1h
/// *                 any       F,2h,15m; G,16h,1h,1.5; F,4d,6h
/// </code>
/// </example>
public sealed class RetryRuleSet
{
    internal RetryRuleSet(IReadOnlyList<RetryRule> rules) => Rules = rules;

    /// <summary>The rules, in matching order.</summary>
    public IReadOnlyList<RetryRule> Rules { get; }

    /// <summary>Parses rule lines.</summary>
    /// <param name="text">The rules text.</param>
    /// <exception cref="RetryRuleFormatException">A line does not parse; the message gives line, column and what was expected.</exception>
    public static RetryRuleSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return RetryRuleParser.ParseRuleSet(text);
    }

    /// <summary>A rule set with one rule: <paramref name="schedule"/> for every domain and failure.</summary>
    /// <param name="schedule">The schedule.</param>
    public static RetryRuleSet ForAll(RetrySchedule schedule)
        => new([new RetryRule { DomainPattern = Routing.DomainPattern.Parse("*"), ErrorKind = RetryErrorKind.Any, Schedule = schedule }]);

    /// <summary>Returns the first rule covering a failure, or <see langword="null"/> when none does.</summary>
    /// <param name="domain">The destination domain (or host).</param>
    /// <param name="errorKind">The kind of the failure.</param>
    public RetryRule? Find(string domain, RetryErrorKind errorKind)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(domain, errorKind))
            {
                return rule;
            }
        }

        return null;
    }
}
