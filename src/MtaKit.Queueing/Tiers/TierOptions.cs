namespace MtaKit.Queueing;

/// <summary>
/// Configuration of the queue tier this node runs, bound from <c>MtaKit:Queue:Tier</c>. Settable for
/// configuration binding; <see cref="QueueTier.Create"/> validates it once and makes the immutable
/// <see cref="QueueTier"/> the queue runs with.
/// </summary>
public sealed class TierOptions
{
    /// <summary>The tier's name (<c>MtaKit:Queue:Tier:Name</c>), used in logs, metrics and hand-off.</summary>
    /// <value>The default value is <c>tier1</c>.</value>
    public string Name { get; set; } = "tier1";

    /// <summary>
    /// How long, counted from the message's <em>original</em> arrival in the network, a message may
    /// stay in this tier (<c>MtaKit:Queue:Tier:Window</c>, for example <c>06:00:00</c>). The retry
    /// rules' cutoff can end the stay earlier; the earlier of the two wins.
    /// </summary>
    /// <value>The default value is 6 hours.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// The retry rules (<c>MtaKit:Queue:Tier:Retry</c>): either one schedule for every destination
    /// (<c>F,2h,15m; G,16h,1h,1.5; F,4d,6h</c>) or rule lines as in <see cref="RetryRuleSet"/>.
    /// </summary>
    /// <value>The default value is <c>F,15m,5m; G,6h,10m,1.5; F,4d,1h</c>.</value>
    public string Retry { get; set; } = "F,15m,5m; G,6h,10m,1.5; F,4d,1h";

    /// <summary>
    /// The next tier's SMTP endpoints (<c>MtaKit:Queue:Tier:NextTier:0</c>, <c>:1</c>, ...), as
    /// <c>host</c> or <c>host:port</c>; empty for the last tier, which returns expired mail to its sender.
    /// </summary>
    public IList<string> NextTier { get; } = [];

    /// <summary>
    /// After how long since original arrival a delay warning DSN is sent (once) to senders who did
    /// not refuse it (<c>MtaKit:Queue:DelayWarning</c>); <see langword="null"/> sends none.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? DelayWarning { get; set; }

    /// <summary>The tier policy's name (<c>MtaKit:Queue:Tier:Policy</c>); see <see cref="TierPolicyNames"/>.</summary>
    /// <value>The default value is <see cref="TierPolicyNames.Default"/>.</value>
    public string Policy { get; set; } = TierPolicyNames.Default;

    /// <summary>Returns every problem, each naming its configuration key; empty when valid.</summary>
    /// <param name="section">The configuration path of this object, for the messages.</param>
    public IReadOnlyList<string> Validate(string section = "MtaKit:Queue:Tier")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{section}:Name must not be empty.");
        }

        if (Window <= TimeSpan.Zero)
        {
            errors.Add($"{section}:Window must be a positive time span (like 06:00:00), not {Window}.");
        }

        if (string.IsNullOrWhiteSpace(Retry))
        {
            errors.Add($"{section}:Retry must give retry rules (like 'F,2h,15m; G,16h,1h,1.5; F,4d,6h').");
        }
        else
        {
            try
            {
                _ = QueueTier.ParseRetry(Retry);
            }
            catch (RetryRuleFormatException ex)
            {
                errors.Add($"{section}:Retry is invalid: {ex.Message} Write one schedule of ';'-separated steps, each F,<cutoff>,<interval> (fixed) or G,<cutoff>,<interval>,<factor> (growing), with times in w, d, h, m or s, like 'F,2h,15m; G,16h,1h,1.5; F,4d,6h'; or rule lines '<domain pattern> <error kind> <schedule>' (docs/queueing.md, Retry rules).");
            }
        }

        for (var i = 0; i < NextTier.Count; i++)
        {
            if (!QueueTier.IsValidEndpoint(NextTier[i]))
            {
                errors.Add($"{section}:NextTier:{i} must be 'host' or 'host:port' (port 1-65535), not '{NextTier[i]}'.");
            }
        }

        if (DelayWarning is { } warning && warning <= TimeSpan.Zero)
        {
            errors.Add($"{section.Replace(":Tier", "", StringComparison.Ordinal)}:DelayWarning must be a positive time span, not {warning}.");
        }

        if (string.IsNullOrWhiteSpace(Policy))
        {
            errors.Add($"{section}:Policy must name a tier policy (like '{TierPolicyNames.Default}').");
        }

        return errors;
    }
}
