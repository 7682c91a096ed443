using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Queueing.Tests.Scheduling;

public sealed class InMemoryRetryHintsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(T0);

    [Fact]
    public async Task RecordFailureAsync_Twice_KeepsFirstFailureAndUpdatesTheRest()
    {
        var sut = CreateSut();
        await sut.RecordFailureAsync("mx.example.com", T0, T0 + TimeSpan.FromMinutes(15), "timeout");
        time.Advance(TimeSpan.FromMinutes(15));
        var hint = await sut.RecordFailureAsync("MX.example.com", time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromMinutes(30), "421 busy");

        Assert.Equal(T0, hint.FirstFailure);
        Assert.Equal(T0 + TimeSpan.FromMinutes(15), hint.LastFailure);
        Assert.Equal(T0 + TimeSpan.FromMinutes(45), hint.NextAllowedAttempt);
        Assert.Equal("421 busy", hint.LastError);
        Assert.Equal(hint, await sut.GetAsync("mx.example.com"));
        Assert.False(hint.AllowsAttemptAt(time.GetUtcNow()));
        Assert.True(hint.AllowsAttemptAt(T0 + TimeSpan.FromMinutes(45)));
    }

    [Fact]
    public async Task RecordSuccessAsync_ForgetsTheHost()
    {
        var sut = CreateSut();
        await sut.RecordFailureAsync("mx.example.com", T0, T0 + TimeSpan.FromMinutes(15), "timeout");

        await sut.RecordSuccessAsync("mx.example.com");

        Assert.Null(await sut.GetAsync("mx.example.com"));
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public async Task GetAsync_AfterRetention_ForgetsTheHint()
    {
        var sut = new InMemoryRetryHints(time, TimeSpan.FromDays(1));
        await sut.RecordFailureAsync("mx.example.com", T0, T0 + TimeSpan.FromMinutes(15), "timeout");
        time.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(await sut.GetAsync("mx.example.com"));

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await sut.GetAsync("mx.example.com"));
        var fresh = await sut.RecordFailureAsync("mx.example.com", time.GetUtcNow(), time.GetUtcNow(), "timeout");
        Assert.Equal(time.GetUtcNow(), fresh.FirstFailure);
    }

    private InMemoryRetryHints CreateSut() => new(time);
}
