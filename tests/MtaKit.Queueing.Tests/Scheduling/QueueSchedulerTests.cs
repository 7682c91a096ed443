using Microsoft.Extensions.Time.Testing;
using MtaKit.Queueing.Tests.Spool;
using Xunit.Abstractions;

namespace MtaKit.Queueing.Tests.Scheduling;

public sealed class QueueSchedulerTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(T0);

    [Fact]
    public void TryTakeDue_ManyRandomTimes_ComeOutInTimeOrder()
    {
        var sut = CreateSut();
        var random = new Random(11);
        var expected = new List<(DateTimeOffset Due, QueueId Id)>();
        for (var i = 0; i < 2000; i++)
        {
            var id = SpoolSamples.NewId();
            var due = T0 + TimeSpan.FromSeconds(random.Next(0, 5000));
            sut.Schedule(id, due);
            expected.Add((due, id));
        }

        // Reschedule and remove some, by id.
        for (var i = 0; i < 500; i++)
        {
            var (due, id) = expected[i];
            if (i % 2 == 0)
            {
                Assert.True(sut.Remove(id));
                expected[i] = default;
            }
            else
            {
                var moved = T0 + TimeSpan.FromSeconds(random.Next(0, 5000));
                sut.Schedule(id, moved);
                expected[i] = (moved, id);
            }
        }

        expected = [.. expected.Where(e => e.Id != default).OrderBy(e => e.Due).ThenBy(e => e.Id)];
        Assert.Equal(expected.Count, sut.Count);
        time.Advance(TimeSpan.FromSeconds(5000));
        var actual = new List<QueueId>();
        while (sut.TryTakeDue(out var id))
        {
            actual.Add(id);
        }

        Assert.Equal(expected.Select(e => e.Id), actual);
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public void TryTakeDue_NotYetDue_ReturnsFalse()
    {
        var sut = CreateSut();
        var id = SpoolSamples.NewId();
        sut.Schedule(id, T0 + TimeSpan.FromMinutes(5));

        Assert.False(sut.TryTakeDue(out _));
        Assert.True(sut.TryGetDue(id, out var due));
        Assert.Equal(T0 + TimeSpan.FromMinutes(5), due);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(sut.TryTakeDue(out var taken));
        Assert.Equal(id, taken);
        Assert.False(sut.TryGetDue(id, out _));
        Assert.False(sut.Remove(id));
    }

    [Fact]
    public async Task TakeDueAsync_WaitsForTheTimer_ThenReturnsTheDueId()
    {
        var sut = CreateSut();
        var later = SpoolSamples.NewId();
        var sooner = SpoolSamples.NewId();
        sut.Schedule(later, T0 + TimeSpan.FromHours(3));
        sut.Schedule(sooner, T0 + TimeSpan.FromHours(2));

        var take = sut.TakeDueAsync().AsTask();
        time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromTicks(1));
        Assert.False(take.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(sooner, await take);

        take = sut.TakeDueAsync().AsTask();
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.False(take.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(later, await take);
    }

    [Fact]
    public async Task TakeDueAsync_EarlierEntryScheduledWhileWaiting_WakesForIt()
    {
        var sut = CreateSut();
        sut.Schedule(SpoolSamples.NewId(), T0 + TimeSpan.FromHours(5));
        var take = sut.TakeDueAsync().AsTask();

        var urgent = SpoolSamples.NewId();
        sut.Schedule(urgent, T0 + TimeSpan.FromMinutes(1));
        await Task.Yield();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(urgent, await take.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TakeDueAsync_EmptyThenScheduledInThePast_ReturnsIt()
    {
        var sut = CreateSut();
        var take = sut.TakeDueAsync().AsTask();
        Assert.False(take.IsCompleted);

        var id = SpoolSamples.NewId();
        sut.Schedule(id, T0 - TimeSpan.FromMinutes(1));

        Assert.Equal(id, await take.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TakeDueAsync_Cancelled_Throws()
    {
        var sut = CreateSut();
        sut.Schedule(SpoolSamples.NewId(), T0 + TimeSpan.FromHours(1));
        using var cts = new CancellationTokenSource();
        var take = sut.TakeDueAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, sut.Count);
    }

    [Fact]
    public async Task ReadDueAsync_StreamsIdsAsTheyComeDue()
    {
        var sut = CreateSut();
        var ids = Enumerable.Range(0, 3).Select(_ => SpoolSamples.NewId()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            sut.Schedule(ids[i], T0 + TimeSpan.FromHours(i + 1));
        }

        using var cts = new CancellationTokenSource();
        var seen = new List<QueueId>();
        await using var e = sut.ReadDueAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        for (var i = 0; i < ids.Count; i++)
        {
            var next = e.MoveNextAsync().AsTask();
            Assert.False(next.IsCompleted);
            time.Advance(TimeSpan.FromHours(1));
            Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
            seen.Add(e.Current);
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public void Schedule_OneMillionEntries_MemoryPerEntryIsBounded()
    {
        const int N = 1_000_000;
        var ids = new QueueId[N];
        var random = new Random(1);
        for (var i = 0; i < N; i++)
        {
            ids[i] = new QueueId(((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64());
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var sut = CreateSut();
        for (var i = 0; i < N; i++)
        {
            sut.Schedule(ids[i], T0 + TimeSpan.FromSeconds(random.Next(0, 86400 * 4)));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perEntry = (after - before) / (double)N;
        output.WriteLine($"QueueScheduler: {perEntry:F1} bytes per queued message at {N:N0} entries");
        Assert.Equal(N, sut.Count);
        Assert.InRange(perEntry, 24, 100);
        GC.KeepAlive(sut);
    }

    private QueueScheduler CreateSut() => new(time);
}
