using Microsoft.Extensions.Time.Testing;
using MtaKit.Queueing.Tests.Spool;
using MtaKit.Samples.FallbackTier;

namespace MtaKit.Queueing.Tests.Tiers;

/// <summary>The FallbackTier sample's custom policy (samples/MtaKit.Samples.FallbackTier/BusinessHoursTierPolicy.cs).</summary>
public sealed class BusinessHoursTierPolicyTests
{
    // Sunday 29 November 2026, midnight UTC.
    private static readonly DateTimeOffset Sunday = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double hours) => Sunday + TimeSpan.FromHours(hours);

    [Theory]
    [InlineData(10, 32)] // Sunday 10:00 -> Monday 08:00
    [InlineData(31, 32)] // Monday 07:00 -> Monday 08:00
    [InlineData(36, 36)] // Monday 12:00 is open
    [InlineData(42.5, 56)] // Monday 18:30 -> Tuesday 08:00
    [InlineData(138, 200)] // Friday 18:00 (closed) -> next Monday 08:00
    public void NextOpening_Utc_IsTheTimeItselfOrTheNextWorkingMorning(double hours, double expected)
    {
        Assert.Equal(At(expected), new BusinessHoursTierPolicy().NextOpening(At(hours)));
    }

    [Fact]
    public void NextOpening_WithUtcOffset_OpensAtLocalEight()
    {
        var policy = new BusinessHoursTierPolicy { UtcOffset = TimeSpan.FromHours(2) };

        // Monday 05:00 UTC is 07:00 at +02:00: opens at 08:00 local = 06:00 UTC.
        Assert.Equal(At(30), policy.NextOpening(At(29)));
    }

    [Fact]
    public async Task Decide_ArrivesOnSunday_FirstAttemptMondayMorning_DeliveredDuringHours()
    {
        var time = new FakeTimeProvider(Sunday);
        var sim = new TierSimulation(time, Tier(TimeSpan.FromHours(48)), new BusinessHoursTierPolicy(TierPolicies.CreateDefault(new Random(1))));

        var (outcome, at, _) = await sim.RunAsync(NewEntry(), now => now >= At(33));

        Assert.Equal(TierAction.Attempt, outcome);
        Assert.Equal(At(33), at);
        Assert.Equal([At(32), At(32.5), At(33)], sim.Attempts); // nothing on Sunday, then the retry rule's 30 min
    }

    [Fact]
    public async Task Decide_WindowEndsBeforeTheNextOpening_HandsOffAtTheWindowEnd()
    {
        var time = new FakeTimeProvider(Sunday);
        var sim = new TierSimulation(time, Tier(TimeSpan.FromHours(6), next: "tier2.example"), new BusinessHoursTierPolicy());

        var (outcome, at, _) = await sim.RunAsync(NewEntry(), _ => false);

        Assert.Equal(TierAction.HandOff, outcome); // not held back until Monday
        Assert.Equal(At(6), at);
        Assert.Empty(sim.Attempts);
    }

    [Fact]
    public void Decide_DuringHours_IsTheBuiltInDecision()
    {
        var inner = TierPolicies.CreateDefault(new Random(1));
        var context = new TierPolicyContext { Tier = Tier(TimeSpan.FromHours(48)), Entry = NewEntry() with { NextAttempt = At(36) }, Now = At(36) };

        Assert.Equal(inner.Decide(context), new BusinessHoursTierPolicy(inner).Decide(context));
    }

    [Fact]
    public void Select_ByConfiguredName_FindsTheSamplePolicyAmongTheBuiltIns()
    {
        ITierPolicy sample = new BusinessHoursTierPolicy();

        Assert.Same(sample, TierPolicies.Select([sample, TierPolicies.CreateDefault()], "businesshours"));
        var ex = Assert.Throws<ArgumentException>(() => TierPolicies.Select([sample, TierPolicies.CreateDefault()], "Nightly"));
        Assert.Contains("known tier policies are: BusinessHours, Default", ex.Message, StringComparison.Ordinal);
    }

    private static QueueTier Tier(TimeSpan window, string? next = null)
    {
        var options = new TierOptions { Name = "partner", Window = window, Retry = "F,4d,30m" };
        if (next is not null)
        {
            options.NextTier.Add(next);
        }

        return QueueTier.Create(options);
    }

    private static SpoolEntry NewEntry() => new()
    {
        Id = SpoolSamples.NewId(),
        Envelope = new SpoolEnvelope { ReversePath = "sender@example.org", Recipients = [new SpoolRecipient { Address = "a@example.com" }] },
        OriginalArrival = Sunday,
        TierArrival = Sunday,
        NextAttempt = Sunday,
    };
}
