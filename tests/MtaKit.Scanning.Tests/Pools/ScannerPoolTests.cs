using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaKit.Scanning.Tests.Support;
using MtaKit.Testing;

namespace MtaKit.Scanning.Tests.Pools;

public sealed class ScannerPoolTests
{
    private static readonly ScanRequest Request = TestMessages.Request(TestMessages.Clean);

    private static ScannerPool CreateSut(IEnumerable<ScannerPoolMember> members, ScannerPoolOptions? options = null, TimeProvider? time = null, int seed = 42)
        => new(options ?? new ScannerPoolOptions { Name = "test" }, members, time, new Random(seed));

    private static ClamdClient Clamd(EndPoint endPoint) => new(new ClamdClientOptions { EndPoint = endPoint, ConnectTimeout = TimeSpan.FromSeconds(2) });

    private static EndPoint ClosedPort() => new IPEndPoint(IPAddress.Loopback, FreePort.Next());

    [Fact]
    public async Task ScanAsync_Weights3To1_4000ScansSplit3To1Within10Percent()
    {
        var a = new StubScanner("a");
        var b = new StubScanner("b");
        using var sut = CreateSut([new(a) { Weight = 3 }, new(b) { Weight = 1 }]);

        for (var i = 0; i < 4000; i++)
        {
            await sut.ScanAsync(Request, CancellationToken.None);
        }

        Assert.Equal(4000, a.Calls + b.Calls);
        Assert.InRange((double)a.Calls / b.Calls, 3 * 0.9, 3 * 1.1);
    }

    [Fact]
    public void Pick_Weights3To1_4000PicksSplit3To1Within10Percent()
    {
        using var sut = CreateSut([new(new StubScanner("a")) { Weight = 3 }, new(new StubScanner("b")) { Weight = 1 }], seed: 7);

        var picks = Enumerable.Range(0, 4000).Select(_ => sut.Pick()).ToList();

        var ratio = (double)picks.Count(p => p == "a") / picks.Count(p => p == "b");
        Assert.InRange(ratio, 2.7, 3.3);
    }

    [Fact]
    public async Task ScanAsync_HigherPriorityUp_LowerPriorityGetsNothing()
    {
        var high1 = new StubScanner("high1");
        var high2 = new StubScanner("high2");
        var low = new StubScanner("low");
        using var sut = CreateSut([new(high1) { Priority = 10 }, new(high2) { Priority = 10 }, new(low) { Priority = 0, Weight = 100 }]);

        for (var i = 0; i < 1000; i++)
        {
            await sut.ScanAsync(Request, CancellationToken.None);
        }

        Assert.Equal(0, low.Calls);
        Assert.True(high1.Calls > 300 && high2.Calls > 300, $"{high1.Calls}/{high2.Calls}");
    }

    [Fact]
    public async Task ScanAsync_HigherPriorityDown_LowerPriorityTakesOver()
    {
        var high = new StubScanner("high") { Failing = true };
        var low = new StubScanner("low");
        using var sut = CreateSut([new(high) { Priority = 10 }, new(low)]);

        var results = new List<ScanResult>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await sut.ScanAsync(Request, CancellationToken.None));
        }

        Assert.All(results, r => Assert.Equal(("low", ScanVerdict.Clean), (r.Scanner, r.Verdict)));
        Assert.Equal(1, high.Calls);
    }

    [SkippableFact]
    public async Task ScanAsync_OneEndpointOnClosedPort_OthersTakeAllTheLoad()
    {
        var up = Clamd(ServiceEnvironment.Require("CLAMD"));
        var down = Clamd(ClosedPort());
        using var sut = CreateSut([new(up), new(down)], new ScannerPoolOptions { InitialBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromMinutes(1) });

        var results = new List<ScanResult>();
        for (var i = 0; i < 40; i++)
        {
            results.Add(await sut.ScanAsync(Request, CancellationToken.None));
        }

        Assert.All(results, r => Assert.Equal((up.Name, ScanVerdict.Clean), (r.Scanner, r.Verdict)));
        var downHealth = sut.Health.Single(h => h.Name == down.Name);
        Assert.Equal(1, downHealth.ConsecutiveFailures);
        Assert.False(downHealth.IsAvailable);
    }

    [Fact]
    public async Task ScanAsync_AllEndpointsOnClosedPorts_IsUnavailable()
    {
        using var sut = CreateSut([new(Clamd(ClosedPort())), new(Clamd(ClosedPort())) { Priority = 1 }]);

        var first = await sut.ScanAsync(Request, CancellationToken.None);
        var second = await sut.ScanAsync(Request, CancellationToken.None);

        Assert.Equal((ScanVerdict.Unavailable, "test"), (first.Verdict, first.Scanner));
        Assert.True(first.IsTransient);
        Assert.Contains("every endpoint failed", first.Reason, StringComparison.Ordinal);
        Assert.Equal(ScanVerdict.Unavailable, second.Verdict);
        Assert.Contains("resting", second.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ScanAsync_EndpointHangs_TimesOutAndFailsOverWithinBudget()
    {
        await using var hanging = new HangingServer();
        var good = Clamd(ServiceEnvironment.Require("CLAMD"));
        using var sut = CreateSut(
            [new(Clamd(hanging.EndPoint)) { Priority = 1 }, new(good)],
            new ScannerPoolOptions { Name = "clamd", ScanTimeout = TimeSpan.FromMilliseconds(400), TotalBudget = TimeSpan.FromSeconds(5) });
        var started = TimeProvider.System.GetTimestamp();

        var result = await sut.ScanAsync(TestMessages.Request(TestMessages.Mail(TestMessages.Eicar)), CancellationToken.None);

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.Equal(good.Name, result.Scanner);
        Assert.Equal(1, hanging.Accepted);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ScanAsync_EveryEndpointHangs_UnavailableWhenBudgetIsSpent()
    {
        await using var one = new HangingServer();
        await using var two = new HangingServer();
        using var sut = CreateSut(
            [new(Clamd(one.EndPoint)), new(Clamd(two.EndPoint))],
            new ScannerPoolOptions { Name = "clamd", ScanTimeout = TimeSpan.FromMilliseconds(300), TotalBudget = TimeSpan.FromMilliseconds(450) });
        var started = TimeProvider.System.GetTimestamp();

        var result = await sut.ScanAsync(Request, CancellationToken.None);

        Assert.Equal(ScanVerdict.Unavailable, result.Verdict);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task ScanAsync_FlappingEndpoint_IsRestedWithBackoffAndComesBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var flappy = new StubScanner("flappy") { Failing = true };
        var backup = new StubScanner("backup");
        using var sut = CreateSut(
            [new(flappy) { Priority = 1 }, new(backup)],
            new ScannerPoolOptions { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(60) },
            time);

        // fails once: rested 2 s, the scan failed over to the backup
        Assert.Equal("backup", (await sut.ScanAsync(Request, CancellationToken.None)).Scanner);
        Assert.Equal(time.GetUtcNow().AddSeconds(2), sut.Health[0].RestingUntil);

        // while resting it gets nothing
        time.Advance(TimeSpan.FromSeconds(1.9));
        await sut.ScanAsync(Request, CancellationToken.None);
        Assert.Equal(1, flappy.Calls);

        // rest over: one probe, still failing: rested twice as long
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("backup", (await sut.ScanAsync(Request, CancellationToken.None)).Scanner);
        Assert.Equal(2, flappy.Calls);
        Assert.Equal(time.GetUtcNow().AddSeconds(4), sut.Health[0].RestingUntil);

        // it recovers: after the rest the probe succeeds and it takes the load again
        flappy.Failing = false;
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("flappy", (await sut.ScanAsync(Request, CancellationToken.None)).Scanner);
        Assert.Equal("flappy", (await sut.ScanAsync(Request, CancellationToken.None)).Scanner);
        Assert.Equal(0, sut.Health[0].ConsecutiveFailures);
        Assert.True(sut.Health[0].IsAvailable);
    }

    [Fact]
    public async Task ScanAsync_BackoffDoublesUpToMax()
    {
        var time = new FakeTimeProvider();
        var down = new StubScanner("down") { Failing = true };
        using var sut = CreateSut([new(down)], new ScannerPoolOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) }, time);

        var rests = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await sut.ScanAsync(Request, CancellationToken.None);
            var rest = sut.Health[0].RestingUntil!.Value - time.GetUtcNow();
            rests.Add(rest.TotalSeconds);
            time.Advance(rest);
        }

        Assert.Equal([1, 2, 4, 5, 5], rests);
    }

    [Fact]
    public async Task ScanAsync_ConcurrentFailuresOfOneOutage_CountOnce()
    {
        var time = new FakeTimeProvider();
        var fail = new TaskCompletionSource<ScanResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var down = new StubScanner("down", (_, _) => new ValueTask<ScanResult>(fail.Task));
        using var sut = CreateSut([new(down)], new ScannerPoolOptions { InitialBackoff = TimeSpan.FromSeconds(1) }, time);

        var scans = Enumerable.Range(0, 3).Select(_ => sut.ScanAsync(Request, CancellationToken.None).AsTask()).ToList();
        fail.SetResult(ScanResult.Error("down", TimeSpan.Zero, "refused"));
        await Task.WhenAll(scans);

        Assert.Equal(1, sut.Health[0].ConsecutiveFailures);
        Assert.Equal(time.GetUtcNow().AddSeconds(1), sut.Health[0].RestingUntil);
    }

    [Fact]
    public async Task ScanAsync_EndpointAtConcurrencyCap_NextScanGoesElsewhere()
    {
        var release = new TaskCompletionSource<ScanResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = new StubScanner("a", (_, _) => new ValueTask<ScanResult>(release.Task));
        var b = new StubScanner("b", (_, _) => new ValueTask<ScanResult>(release.Task));
        using var sut = CreateSut([new(a) { Weight = 1000, MaxConcurrency = 1 }, new(b) { Weight = 1, MaxConcurrency = 1 }]);

        var first = sut.ScanAsync(Request, CancellationToken.None).AsTask();
        var second = sut.ScanAsync(Request, CancellationToken.None).AsTask();
        var third = sut.ScanAsync(Request, CancellationToken.None).AsTask();

        Assert.Equal((1, 1), (a.Calls, b.Calls));
        Assert.False(third.IsCompleted);
        Assert.Equal([1, 1], sut.Health.Select(h => h.InFlight));
        release.SetResult(ScanResult.Clean("x", TimeSpan.Zero));
        await Task.WhenAll(first, second, third);
        Assert.Equal(3, a.Calls + b.Calls);
    }

    [Fact]
    public async Task ScanAsync_NonTransientError_ReturnedWithoutFailover()
    {
        var a = new StubScanner("a", (_, _) => ValueTask.FromResult(ScanResult.Error("a", TimeSpan.Zero, "message refused", transient: false)));
        var b = new StubScanner("b");
        using var sut = CreateSut([new(a) { Priority = 1 }, new(b)]);

        var result = await sut.ScanAsync(Request, CancellationToken.None);

        Assert.Equal((ScanVerdict.Error, "a"), (result.Verdict, result.Scanner));
        Assert.Equal(0, b.Calls);
        Assert.Equal(0, sut.Health[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task ScanAsync_CallerCancels_ThrowsAndDoesNotRestTheEndpoint()
    {
        var a = new StubScanner("a", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null!; });
        using var sut = CreateSut([new(a)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sut.ScanAsync(Request, cts.Token));

        Assert.Equal(0, sut.Health[0].ConsecutiveFailures);
        Assert.Equal(0, sut.Health[0].InFlight);
    }

    [Fact]
    public void Constructor_NoMembers_Throws()
        => Assert.Throws<ArgumentException>(() => CreateSut([]));

    [Fact]
    public void Constructor_ZeroWeight_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CreateSut([new(new StubScanner("a")) { Weight = 0 }]));
}
