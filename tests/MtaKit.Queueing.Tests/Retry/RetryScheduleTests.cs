namespace MtaKit.Queueing.Tests.Retry;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double hours) => T0 + TimeSpan.FromHours(hours);

    [Fact]
    public void Parse_EximExample_ReadsEveryStep()
    {
        var schedule = RetrySchedule.Parse("F,2h,15m; G,16h,1h,1.5; F,4d,6h");

        Assert.Equal(
            [
                new RetryStep { Kind = RetryStepKind.Fixed, Cutoff = TimeSpan.FromHours(2), Interval = TimeSpan.FromMinutes(15) },
                new RetryStep { Kind = RetryStepKind.Geometric, Cutoff = TimeSpan.FromHours(16), Interval = TimeSpan.FromHours(1), Multiplier = 1.5 },
                new RetryStep { Kind = RetryStepKind.Fixed, Cutoff = TimeSpan.FromDays(4), Interval = TimeSpan.FromHours(6) },
            ],
            schedule.Steps);
        Assert.Equal(TimeSpan.FromDays(4), schedule.FinalCutoff);
        Assert.Equal("F,2h,15m; G,16h,1h,1.5; F,4d,6h", schedule.ToString());
    }

    [Fact]
    public void Parse_CombinedUnitsAndSpacing_Accepted()
    {
        var schedule = RetrySchedule.Parse("  f , 1h30m , 90s ;h,1w,10m,2;  ");
        Assert.Equal(TimeSpan.FromMinutes(90), schedule.Steps[0].Cutoff);
        Assert.Equal(TimeSpan.FromSeconds(90), schedule.Steps[0].Interval);
        Assert.Equal(RetryStepKind.RandomGeometric, schedule.Steps[1].Kind);
        Assert.Equal(TimeSpan.FromDays(7), schedule.Steps[1].Cutoff);
    }

    [Theory]
    [InlineData("", "column 1: expected a retry step letter F, G or H, found the end")]
    [InlineData("X,2h,15m", "column 1: expected a retry step letter F, G or H, found 'X'")]
    [InlineData("F 2h,15m", "column 3: expected ',' after the step letter, found '2'")]
    [InlineData("F,2x,15m", "column 4: expected a time unit (w, d, h, m or s) after '2' in the cutoff, found 'x'")]
    [InlineData("F,2h,15", "column 8: expected a time unit (w, d, h, m or s) after '15' in the interval, found the end")]
    [InlineData("F,2h,", "column 6: expected the interval as a time like 2h, 15m or 1h30m, found the end")]
    [InlineData("F,2h,0m", "column 6: the interval must be greater than zero")]
    [InlineData("G,16h,1h", "column 9: expected ',' and a multiplier after the interval (G and H steps take one), found the end")]
    [InlineData("G,16h,1h,0.5", "column 10: expected a multiplier of at least 1 (like 1.5), found '0'")]
    [InlineData("F,4h,15m; F,2h,1h", "column 11: each step's cutoff must be later than the previous one")]
    [InlineData("F,2h,15m F,4h,1h", "column 10: expected ';' or the end of the schedule, found 'F'")]
    public void Parse_Invalid_ThrowsWithColumnAndExpectation(string text, string expected)
    {
        var ex = Assert.Throws<RetryRuleFormatException>(() => RetrySchedule.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Next_EximExample_GivesExactTimesThroughEveryStep()
    {
        var schedule = RetrySchedule.Parse("F,2h,15m; G,16h,1h,1.5; F,4d,6h");

        // F,2h,15m: the first failure, then every 15 minutes.
        Assert.Equal(At(0.25), schedule.Next(T0, T0, T0).NextAttempt);
        Assert.Equal(At(2), schedule.Next(T0, At(1.5), At(1.75)).NextAttempt);

        // G,16h,1h,1.5 from 2h: the previous gap (15 min) is below 1 h, so 1 h; then 1.5 h, 2.25 h, ...
        Assert.Equal(At(3), schedule.Next(T0, At(1.75), At(2)).NextAttempt);
        Assert.Equal(At(4.5), schedule.Next(T0, At(2), At(3)).NextAttempt);
        Assert.Equal(At(6.75), schedule.Next(T0, At(3), At(4.5)).NextAttempt);
        Assert.Equal(At(10.125), schedule.Next(T0, At(4.5), At(6.75)).NextAttempt);

        // F,4d,6h from 16h.
        Assert.Equal(At(22), schedule.Next(T0, At(10.125), At(16)).NextAttempt);
        Assert.Equal(At(95.99) + TimeSpan.FromHours(6), schedule.Next(T0, At(90), At(95.99)).NextAttempt);

        // At the final cutoff (4 days after the first failure): give up.
        Assert.True(schedule.Next(T0, At(90), At(96)).IsGiveUp);
        Assert.Equal(RetryDecision.GiveUp, schedule.Next(T0, At(96), At(100)));
    }

    [Fact]
    public void Next_CutoffCountsFromFirstFailureNotArrival()
    {
        var schedule = RetrySchedule.Parse("F,1h,10m");
        var firstFailure = At(5);

        Assert.Equal(At(5.5) + TimeSpan.FromMinutes(10), schedule.Next(firstFailure, At(5.25), At(5.5)).NextAttempt);
        Assert.True(schedule.Next(firstFailure, At(5.75), At(6)).IsGiveUp);
    }

    [Fact]
    public void Next_RandomGeometric_StaysBetweenPreviousGapAndGeometricValue()
    {
        var schedule = RetrySchedule.Parse("H,1d,1h,2");
        var random = new Random(5);
        var seen = new HashSet<DateTimeOffset>();
        for (var i = 0; i < 50; i++)
        {
            var next = schedule.Next(T0, At(1), At(4), random).NextAttempt!.Value;
            Assert.InRange(next, At(7), At(10));
            seen.Add(next);
        }

        Assert.True(seen.Count > 10, "H steps should spread retries");

        // No previous gap (first failure): the interval itself.
        Assert.Equal(At(5), schedule.Next(At(4), At(4), At(4), random).NextAttempt);
    }

    [Fact]
    public void Next_RandomGeometric_SameSeed_SameTimes()
    {
        var schedule = RetrySchedule.Parse("H,1d,1h,2");
        var a = schedule.Next(T0, At(1), At(4), new Random(9));
        var b = schedule.Next(T0, At(1), At(4), new Random(9));
        Assert.Equal(a, b);
    }
}
