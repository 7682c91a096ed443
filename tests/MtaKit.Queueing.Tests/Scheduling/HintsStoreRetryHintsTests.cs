using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Queueing.Tests.Scheduling;

public sealed class HintsStoreRetryHintsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemoryHintsStore _store;

    public HintsStoreRetryHintsTests() => _store = new InMemoryHintsStore(null, _time);

    private HintsStoreRetryHints CreateSut(TimeSpan? retention = null) => new(_store, retention);

    [Fact]
    public async Task RecordFailureAsync_Twice_KeepsFirstFailureAndUpdatesTheRest()
    {
        var sut = CreateSut();
        await sut.RecordFailureAsync("mx.example.com", T0, T0 + TimeSpan.FromMinutes(15), "timeout");
        _time.Advance(TimeSpan.FromMinutes(15));
        await sut.RecordFailureAsync("MX.example.com", _time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromMinutes(30), "421 busy");

        var hint = await sut.GetAsync("mx.example.com");

        Assert.NotNull(hint);
        Assert.Equal(T0, hint.FirstFailure);
        Assert.Equal(T0 + TimeSpan.FromMinutes(15), hint.LastFailure);
        Assert.Equal(T0 + TimeSpan.FromMinutes(45), hint.NextAllowedAttempt);
        Assert.Equal("421 busy", hint.LastError);
    }

    [Fact]
    public async Task RecordSuccessAsync_ForgetsHost()
    {
        var sut = CreateSut();
        await sut.RecordFailureAsync("mx.example.com", T0, T0, "timeout");

        await sut.RecordSuccessAsync("mx.example.com");

        Assert.Null(await sut.GetAsync("mx.example.com"));
    }

    [Fact]
    public async Task GetAsync_AfterRetention_ForgetsHintAndNextFailureStartsNewRun()
    {
        var sut = CreateSut(TimeSpan.FromHours(1));
        await sut.RecordFailureAsync("mx.example.com", T0, T0, "timeout");
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Null(await sut.GetAsync("mx.example.com"));
        var hint = await sut.RecordFailureAsync("mx.example.com", _time.GetUtcNow(), _time.GetUtcNow(), "timeout");
        Assert.Equal(_time.GetUtcNow(), hint.FirstFailure);
    }

    [Fact]
    public async Task RecordFailureAsync_TwoAdaptersOnOneStore_ShareTheHint()
    {
        await CreateSut().RecordFailureAsync("mx.example.com", T0, T0 + TimeSpan.FromMinutes(10), "timeout");

        var hint = await CreateSut().GetAsync("mx.example.com");

        Assert.NotNull(hint);
        Assert.False(hint.AllowsAttemptAt(T0 + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task RecordFailureAsync_Concurrent_KeepsEarliestFirstFailure()
    {
        var sut = CreateSut();
        await Parallel.ForAsync(0, 50, async (i, ct) =>
            await sut.RecordFailureAsync("mx.example.com", T0 + TimeSpan.FromSeconds(i), T0 + TimeSpan.FromMinutes(5), "e", ct));

        var hint = await sut.GetAsync("mx.example.com");

        Assert.Equal(T0, hint!.FirstFailure);
        Assert.Equal(T0 + TimeSpan.FromSeconds(49), hint.LastFailure);
    }
}
