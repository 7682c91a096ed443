using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Queueing.Tests.Tiers;

// Runs one tier's queue loop (scheduler + policy) against a FakeTimeProvider: hours pass in
// milliseconds. Every attempt fails unless `delivers` says otherwise.
internal sealed class TierSimulation(FakeTimeProvider time, QueueTier tier, ITierPolicy policy)
{
    public List<DateTimeOffset> Attempts { get; } = [];

    public List<DateTimeOffset> DelayWarnings { get; } = [];

    public async Task<(TierAction Outcome, DateTimeOffset At, SpoolEntry Entry)> RunAsync(
        SpoolEntry entry, Func<DateTimeOffset, bool> delivers, string domain = "example.com", RetryErrorKind kind = RetryErrorKind.Timeout)
    {
        var scheduler = new QueueScheduler(time);
        scheduler.Schedule(entry.Id, entry.NextAttempt);
        while (true)
        {
            var take = scheduler.TakeDueAsync().AsTask();
            if (!take.IsCompleted && scheduler.TryPeek(out _, out var due) && due > time.GetUtcNow())
            {
                time.SetUtcNow(due);
            }

            await take.WaitAsync(TimeSpan.FromSeconds(30));
            var now = time.GetUtcNow();
            var decision = policy.Decide(new TierPolicyContext { Tier = tier, Entry = entry, Now = now });
            entry = Warn(entry, decision, now);
            if (decision.Action is TierAction.HandOff or TierAction.Expire)
            {
                return (decision.Action, now, entry);
            }

            if (decision.Action == TierAction.RetryAt)
            {
                scheduler.Schedule(entry.Id, decision.NextAttempt);
                continue;
            }

            Attempts.Add(now);
            if (delivers(now))
            {
                return (TierAction.Attempt, now, entry);
            }

            var failure = new DeliveryFailure { Domain = domain, Kind = kind, Error = "451 4.4.1 timeout" };
            decision = policy.Decide(new TierPolicyContext { Tier = tier, Entry = entry, Now = now, Failure = failure });
            entry = Warn(entry, decision, now) with
            {
                Attempts = entry.Attempts + 1,
                FirstFailure = entry.FirstFailure ?? now,
                LastAttempt = now,
                LastError = failure.Error,
                NextAttempt = decision.NextAttempt,
            };
            if (decision.Action is TierAction.HandOff or TierAction.Expire)
            {
                return (decision.Action, now, entry);
            }

            scheduler.Schedule(entry.Id, decision.NextAttempt);
        }
    }

    private SpoolEntry Warn(SpoolEntry entry, TierDecision decision, DateTimeOffset now)
    {
        if (!decision.SendDelayWarning)
        {
            return entry;
        }

        DelayWarnings.Add(now);
        return entry with { DelayWarningSent = true };
    }
}
