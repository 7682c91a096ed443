using System.Globalization;

namespace MtaKit.Queueing;

// The built-in policy; see ITierPolicy's remarks.
internal sealed class DefaultTierPolicy(Random random) : ITierPolicy
{
    public string Name => TierPolicyNames.Default;

    public TierDecision Decide(TierPolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tier = context.Tier;
        var entry = context.Entry;
        var now = context.Now;
        if (entry.Frozen && context.Failure is null)
        {
            // Frozen by an administrator: no attempt, no hand-off, until thawed.
            return new TierDecision { Action = TierAction.RetryAt, NextAttempt = DateTimeOffset.MaxValue, Reason = "frozen" };
        }

        var windowEnd = tier.WindowEnd(entry);
        if (now >= windowEnd)
        {
            return End(tier, now, string.Create(CultureInfo.InvariantCulture, $"tier {tier.Name} window of {tier.Window} since original arrival passed"));
        }

        var warn = DelayWarningDue(tier, entry, now);
        if (context.Failure is not { } failure)
        {
            return entry.NextAttempt <= now
                ? new TierDecision { Action = TierAction.Attempt, NextAttempt = now, SendDelayWarning = warn }
                : new TierDecision { Action = TierAction.RetryAt, NextAttempt = entry.NextAttempt, SendDelayWarning = warn };
        }

        var rule = tier.RetryRules.Find(failure.Domain, failure.Kind);
        if (rule is null)
        {
            // As in Exim: a temporary failure no rule covers is not retried here.
            return End(tier, now, $"no retry rule covers {failure.Kind} failures for {failure.Domain}");
        }

        var firstFailure = failure.HostFirstFailure ?? entry.FirstFailure ?? now;
        var lastAttempt = entry.LastAttempt ?? firstFailure;
        var decision = rule.Schedule.Next(firstFailure, lastAttempt, now, random);
        if (decision.NextAttempt is not { } next)
        {
            return End(tier, now, $"retry rules gave up ({rule.Schedule.FinalCutoff} since the first failure): {failure.Error}");
        }

        return new TierDecision
        {
            Action = TierAction.RetryAt,
            NextAttempt = next < windowEnd ? next : windowEnd,
            SendDelayWarning = warn,
            Reason = failure.Error,
        };
    }

    private static TierDecision End(QueueTier tier, DateTimeOffset now, string reason)
        => new() { Action = tier.IsLastTier ? TierAction.Expire : TierAction.HandOff, NextAttempt = now, Reason = reason };

    private static bool DelayWarningDue(QueueTier tier, SpoolEntry entry, DateTimeOffset now)
    {
        if (tier.DelayWarning is not { } after || entry.DelayWarningSent || entry.Envelope.IsNullSender || now < entry.OriginalArrival + after)
        {
            return false;
        }

        // RFC 3461: without NOTIFY the MTA may send delay notices; NOTIFY without DELAY (or NEVER) refuses them.
        return entry.Envelope.Recipients.Any(r => r.State == RecipientState.Pending
            && (r.Notify == DsnNotify.Unspecified || r.Notify.HasFlag(DsnNotify.Delay)));
    }
}
