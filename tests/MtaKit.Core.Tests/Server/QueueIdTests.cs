using Microsoft.Extensions.Time.Testing;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

public sealed class QueueIdTests
{
    [Fact]
    public void New_ManyAtSameInstant_AllUnique()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 200_000; i++)
        {
            Assert.True(ids.Add(QueueId.New(time)));
        }
    }

    [Fact]
    public void New_ConcurrentThreads_AllUnique()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var bags = new string[8][];
        Parallel.For(0, 8, t => bags[t] = [.. Enumerable.Range(0, 20_000).Select(_ => QueueId.New(time))]);
        var all = bags.SelectMany(b => b).ToArray();
        Assert.Equal(all.Length, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void New_LaterTime_SortsAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var a = QueueId.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var b = QueueId.New(time);
        time.Advance(TimeSpan.FromDays(400));
        var c = QueueId.New(time);
        Assert.True(string.CompareOrdinal(a, b) < 0);
        Assert.True(string.CompareOrdinal(b, c) < 0);
        Assert.Equal(16, a.Length);
        Assert.Matches("^[0-9A-Za-z]{16}$", a);
    }
}
