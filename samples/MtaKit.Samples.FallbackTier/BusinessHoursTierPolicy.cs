using MtaKit.Queueing;

namespace MtaKit.Samples.FallbackTier;

/// <summary>
/// A custom tier policy (selected with <c>MtaKit:Queue:Tier:Policy=BusinessHours</c>): for a tier whose
/// next hop is only staffed or reachable during business hours (a partner's server behind a
/// maintenance window, a mailbox host that throttles at night), deliveries are attempted only on
/// working days between <see cref="Opens"/> and <see cref="Closes"/> in <see cref="UtcOffset"/>.
/// Everything else (retry rules, the window counted from the original arrival, hand-off, expiry,
/// delay warnings) is the built-in policy's decision: an attempt that would fall outside hours is
/// moved to the next opening, but never past the end of the tier window.
/// </summary>
public sealed class BusinessHoursTierPolicy : ITierPolicy
{
    /// <summary>The name configuration selects this policy by.</summary>
    public const string PolicyName = "BusinessHours";

    private readonly ITierPolicy _inner;

    /// <summary>Creates the policy around the built-in one (or <paramref name="inner"/>).</summary>
    public BusinessHoursTierPolicy(ITierPolicy? inner = null) => _inner = inner ?? TierPolicies.CreateDefault();

    /// <inheritdoc/>
    public string Name => PolicyName;

    /// <summary>Opening time of day. <value>The default value is 08:00.</value></summary>
    public TimeOnly Opens { get; init; } = new(8, 0);

    /// <summary>Closing time of day. <value>The default value is 18:00.</value></summary>
    public TimeOnly Closes { get; init; } = new(18, 0);

    /// <summary>The offset of the business's local time from UTC. <value>The default value is zero (UTC).</value></summary>
    public TimeSpan UtcOffset { get; init; }

    /// <summary>Working days. <value>The default value is Monday to Friday.</value></summary>
    public IReadOnlySet<DayOfWeek> Days { get; init; } = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

    /// <inheritdoc/>
    public TierDecision Decide(TierPolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = _inner.Decide(context);
        if (decision.Action is not (TierAction.Attempt or TierAction.RetryAt))
        {
            return decision; // hand-off and expiry are not held back
        }

        var at = decision.Action == TierAction.Attempt ? context.Now : decision.NextAttempt;
        var opening = NextOpening(at);
        if (opening == at)
        {
            return decision;
        }

        var windowEnd = context.Tier.WindowEnd(context.Entry);
        return decision with
        {
            Action = TierAction.RetryAt,
            NextAttempt = opening < windowEnd ? opening : windowEnd,
            Reason = $"outside business hours; next opening {opening:u}",
        };
    }

    /// <summary>Returns <paramref name="time"/> when it is within business hours, else the next opening.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset time)
    {
        var local = time.ToOffset(UtcOffset);
        for (var day = 0; day < 8; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(day);
            if (!Days.Contains(date.DayOfWeek))
            {
                continue;
            }

            var open = new DateTimeOffset(date.ToDateTime(Opens), UtcOffset);
            var close = new DateTimeOffset(date.ToDateTime(Closes), UtcOffset);
            if (local < open)
            {
                return open.ToOffset(time.Offset);
            }

            if (local < close)
            {
                return time;
            }
        }

        throw new InvalidOperationException("Business hours are empty: no working day or Opens is not before Closes.");
    }
}
