namespace MtaKit.Queueing;

/// <summary>A tier policy's decision for one message.</summary>
public readonly record struct TierDecision
{
    /// <summary>What to do.</summary>
    public required TierAction Action { get; init; }

    /// <summary>For <see cref="TierAction.RetryAt"/>, when to attempt again; otherwise the decision time.</summary>
    public required DateTimeOffset NextAttempt { get; init; }

    /// <summary>True when a delay warning DSN is due now (once per message).</summary>
    public bool SendDelayWarning { get; init; }

    /// <summary>Why, for logs and DSNs (<c>tier window 6h passed</c>).</summary>
    public string? Reason { get; init; }
}
