namespace MtaKit.Queueing;

/// <summary>The outcome of a retry rule for one failure: try again at a time, or give up.</summary>
public readonly record struct RetryDecision
{
    private RetryDecision(DateTimeOffset? nextAttempt) => NextAttempt = nextAttempt;

    /// <summary>Give up: the schedule's last cutoff has passed.</summary>
    public static RetryDecision GiveUp { get; }

    /// <summary>When to try next, or <see langword="null"/> to give up.</summary>
    public DateTimeOffset? NextAttempt { get; }

    /// <summary>True when the schedule says to give up.</summary>
    public bool IsGiveUp => NextAttempt is null;

    /// <summary>Try again at <paramref name="time"/>.</summary>
    /// <param name="time">The next attempt time.</param>
    public static RetryDecision RetryAt(DateTimeOffset time) => new(time);

    /// <summary>Returns <c>retry at &lt;time&gt;</c> or <c>give up</c>.</summary>
    public override string ToString() => NextAttempt is { } t ? "retry at " + t.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "give up";
}
