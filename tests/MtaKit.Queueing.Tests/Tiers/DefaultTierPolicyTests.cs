using Microsoft.Extensions.Time.Testing;
using MtaKit.Queueing.Tests.Spool;

namespace MtaKit.Queueing.Tests.Tiers;

public sealed class DefaultTierPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(T0);

    private static DateTimeOffset At(double hours) => T0 + TimeSpan.FromHours(hours);

    [Fact]
    public async Task Decide_AlwaysFailing_HandsOffExactlyAtTheSixHourWindow()
    {
        var tier = Tier("tier1", "6h", "F,2h,15m; G,16h,1h,1.5; F,4d,6h", next: "tier2.example:25");
        var sim = new TierSimulation(time, tier, CreateSut());

        var (outcome, at, entry) = await sim.RunAsync(NewEntry(T0), _ => false);

        Assert.Equal(TierAction.HandOff, outcome);
        Assert.Equal(At(6), at);
        // Every 15 min until 2h, then G: 2h, 3h, 4.5h; the next (6.75h) is moved to the window end.
        Assert.Equal([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 3, 4.5], sim.Attempts.Select(a => (a - T0).TotalHours));
        Assert.Equal(11, entry.Attempts);
        Assert.Equal(At(6), entry.NextAttempt);
    }

    [Fact]
    public async Task Decide_UndeliverableForSevenHours_LeavesTier1AtSixAndIsDeliveredByTier2AtSeven()
    {
        var tier1 = Tier("tier1", "6h", "F,2h,15m; G,16h,1h,1.5; F,4d,6h", next: "tier2.example");
        var tier2 = Tier("tier2", "22h", "F,1h,20m; F,4d,1h");
        bool Delivers(DateTimeOffset now) => now >= At(7);

        var (outcome1, handOff, _) = await new TierSimulation(time, tier1, CreateSut()).RunAsync(NewEntry(T0), Delivers);
        Assert.Equal(TierAction.HandOff, outcome1);
        Assert.Equal(At(6), handOff);

        // Tier 2 gets the message with its original arrival time; its own retry history starts fresh.
        var sim2 = new TierSimulation(time, tier2, CreateSut());
        var (outcome2, delivered, _) = await sim2.RunAsync(NewEntry(T0) with { TierArrival = handOff, NextAttempt = handOff }, Delivers);

        Assert.Equal(TierAction.Attempt, outcome2);
        Assert.Equal(At(7), delivered);
        Assert.Equal([At(6), At(6) + TimeSpan.FromMinutes(20), At(6) + TimeSpan.FromMinutes(40), At(7)], sim2.Attempts);
    }

    [Fact]
    public async Task Decide_LastTierWindowEnds_ExpiresAtTheWindowCountedFromOriginalArrival()
    {
        var tier2 = Tier("tier2", "22h", "F,2h,15m; G,16h,1h,1.5; F,4d,6h");
        time.SetUtcNow(At(6));
        var sim = new TierSimulation(time, tier2, CreateSut());

        var (outcome, at, _) = await sim.RunAsync(NewEntry(T0) with { TierArrival = At(6), NextAttempt = At(6) }, _ => false);

        Assert.Equal(TierAction.Expire, outcome);
        Assert.Equal(At(22), at);
    }

    [Fact]
    public async Task Decide_RetryRulesCutoffBeforeWindow_EndsTheStayAtTheCutoff()
    {
        var tier = Tier("tier1", "6h", "F,1h,10m", next: "tier2.example");
        var sim = new TierSimulation(time, tier, CreateSut());

        var (outcome, at, entry) = await sim.RunAsync(NewEntry(T0), _ => false);

        Assert.Equal(TierAction.HandOff, outcome);
        Assert.Equal(At(1), at);
        Assert.Equal(7, sim.Attempts.Count);
        Assert.Equal(7, entry.Attempts);
    }

    [Fact]
    public void Decide_HostFirstFailureFromHints_CountsCutoffFromIt()
    {
        var tier = Tier("tier1", "6h", "F,1h,10m", next: "tier2.example");
        var entry = NewEntry(At(2));

        var decision = CreateSut().Decide(new TierPolicyContext
        {
            Tier = tier,
            Entry = entry,
            Now = At(2),
            Failure = new DeliveryFailure { Domain = "example.com", Kind = RetryErrorKind.Refused, Error = "refused", HostFirstFailure = At(0.5) },
        });

        Assert.Equal(TierAction.HandOff, decision.Action);
        Assert.Contains("retry rules gave up", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoRuleCoversTheFailure_EndsTheStay()
    {
        var tier = Tier("last", "6h", "example.com any F,1h,5m");

        var decision = CreateSut().Decide(new TierPolicyContext
        {
            Tier = tier,
            Entry = NewEntry(T0),
            Now = T0,
            Failure = new DeliveryFailure { Domain = "example.org", Kind = RetryErrorKind.Timeout, Error = "timeout" },
        });

        Assert.Equal(TierAction.Expire, decision.Action);
        Assert.Contains("no retry rule covers Timeout failures for example.org", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ArrivesAfterItsWindow_HandsOffWithoutAnAttempt()
    {
        var tier = Tier("tier1", "6h", "F,2h,15m", next: "tier2.example");

        var decision = CreateSut().Decide(new TierPolicyContext { Tier = tier, Entry = NewEntry(At(-7)), Now = T0 });

        Assert.Equal(TierAction.HandOff, decision.Action);
    }

    [Fact]
    public void Decide_Frozen_NeitherAttemptedNorHandedOff()
    {
        var tier = Tier("tier1", "6h", "F,2h,15m", next: "tier2.example");

        foreach (var now in new[] { At(1), At(7) })
        {
            var decision = CreateSut().Decide(new TierPolicyContext { Tier = tier, Entry = NewEntry(T0) with { Frozen = true }, Now = now });

            Assert.Equal(TierAction.RetryAt, decision.Action);
            Assert.Equal(DateTimeOffset.MaxValue, decision.NextAttempt);
        }
    }

    [Fact]
    public void Decide_NotYetDue_RetryAtItsNextAttempt()
    {
        var tier = Tier("tier1", "6h", "F,2h,15m", next: "tier2.example");

        var decision = CreateSut().Decide(new TierPolicyContext { Tier = tier, Entry = NewEntry(T0) with { NextAttempt = At(1) }, Now = T0 });

        Assert.Equal(new TierDecision { Action = TierAction.RetryAt, NextAttempt = At(1) }, decision);
    }

    [Fact]
    public async Task Decide_DelayWarningConfigured_WarnsOnceAtTheFirstDecisionAfterIt()
    {
        var tier = Tier("tier1", "6h", "F,2h,15m; G,16h,1h,1.5", next: "tier2.example", delayWarning: "4h");
        var sim = new TierSimulation(time, tier, CreateSut());

        var (_, _, entry) = await sim.RunAsync(NewEntry(T0), _ => false);

        Assert.Equal([At(4.5)], sim.DelayWarnings);
        Assert.True(entry.DelayWarningSent);
    }

    [Theory]
    [InlineData("", DsnNotify.Unspecified)]
    [InlineData("sender@example.org", DsnNotify.Never)]
    [InlineData("sender@example.org", DsnNotify.Failure)]
    public void Decide_DelayWarningRefusedOrNullSender_NoWarning(string reversePath, DsnNotify notify)
    {
        var tier = Tier("tier1", "6h", "F,2h,15m", next: "tier2.example", delayWarning: "1h");
        var entry = NewEntry(T0) with
        {
            Envelope = new SpoolEnvelope { ReversePath = reversePath, Recipients = [new SpoolRecipient { Address = "a@example.com", Notify = notify }] },
        };

        var decision = CreateSut().Decide(new TierPolicyContext { Tier = tier, Entry = entry, Now = At(2) });

        Assert.False(decision.SendDelayWarning);
        Assert.True(CreateSut().Decide(new TierPolicyContext { Tier = tier, Entry = NewEntry(T0), Now = At(2) }).SendDelayWarning);
    }

    [Fact]
    public void Select_ByName_FindsTheDefaultCaseInsensitively_UnknownNameListsKnownOnes()
    {
        var policies = new[] { CreateSut() };
        Assert.Same(policies[0], TierPolicies.Select(policies, "default"));

        var ex = Assert.Throws<ArgumentException>(() => TierPolicies.Select(policies, "Fancy"));
        Assert.Contains("MtaKit:Queue:Tier:Policy names 'Fancy', but the known tier policies are: Default.", ex.Message, StringComparison.Ordinal);
    }

    private static ITierPolicy CreateSut() => TierPolicies.CreateDefault(new Random(1));

    private static QueueTier Tier(string name, string window, string retry, string? next = null, string? delayWarning = null)
    {
        static TimeSpan Hours(string h) => TimeSpan.FromHours(int.Parse(h.TrimEnd('h'), System.Globalization.CultureInfo.InvariantCulture));
        var options = new TierOptions { Name = name, Window = Hours(window), Retry = retry, DelayWarning = delayWarning is null ? null : Hours(delayWarning) };
        if (next is not null)
        {
            options.NextTier.Add(next);
        }

        return QueueTier.Create(options);
    }

    private static SpoolEntry NewEntry(DateTimeOffset originalArrival) => new()
    {
        Id = SpoolSamples.NewId(),
        Envelope = new SpoolEnvelope { ReversePath = "sender@example.org", Recipients = [new SpoolRecipient { Address = "a@example.com" }] },
        OriginalArrival = originalArrival,
        TierArrival = originalArrival,
        NextAttempt = originalArrival,
    };
}
