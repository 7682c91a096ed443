using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Hints;

public sealed class InMemoryHintsStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private InMemoryHintsStore CreateSut(int maxEntries = 1000) => new(new InMemoryHintsStoreOptions { MaxEntries = maxEntries }, _time);

    [Fact]
    public async Task SetAsync_ThenGet_ReturnsValueUntilTtl()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(5));

        Assert.Equal("v", await sut.GetStringAsync("k"));
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("v", await sut.GetStringAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await sut.GetStringAsync("k"));
    }

    [Fact]
    public async Task SetAsync_Replaces_ValueAndTtl()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "a", TimeSpan.FromMinutes(1));
        await sut.SetStringAsync("k", "b", TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("b", await sut.GetStringAsync("k"));
        Assert.Equal(1, sut.Count);
    }

    [Fact]
    public async Task DeleteAsync_ExistingAndMissing_ReportsWhetherRemoved()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));

        Assert.True(await sut.DeleteAsync("k"));
        Assert.False(await sut.DeleteAsync("k"));
        Assert.Null(await sut.GetAsync("k"));
    }

    [Fact]
    public async Task DeleteAsync_Expired_ReturnsFalse()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await sut.DeleteAsync("k"));
    }

    [Fact]
    public async Task CompareAndSetAsync_IfAbsent_SetsOnlyOnce()
    {
        var sut = CreateSut();

        Assert.True(await sut.CompareAndSetStringAsync("k", null, "first", TimeSpan.FromMinutes(1)));
        Assert.False(await sut.CompareAndSetStringAsync("k", null, "second", TimeSpan.FromMinutes(1)));
        Assert.Equal("first", await sut.GetStringAsync("k"));
    }

    [Fact]
    public async Task CompareAndSetAsync_IfAbsentAfterExpiry_Sets()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "old", TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await sut.CompareAndSetStringAsync("k", null, "new", TimeSpan.FromMinutes(1)));
        Assert.Equal("new", await sut.GetStringAsync("k"));
    }

    [Fact]
    public async Task CompareAndSetAsync_Expected_SetsOnlyWhenEqual()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "1", TimeSpan.FromMinutes(1));

        Assert.False(await sut.CompareAndSetStringAsync("k", "2", "3", TimeSpan.FromMinutes(1)));
        Assert.Equal("1", await sut.GetStringAsync("k"));
        Assert.True(await sut.CompareAndSetStringAsync("k", "1", "2", TimeSpan.FromMinutes(1)));
        Assert.Equal("2", await sut.GetStringAsync("k"));
        Assert.False(await sut.CompareAndSetStringAsync("missing", "1", "2", TimeSpan.FromMinutes(1)));
        Assert.Null(await sut.GetAsync("missing"));
    }

    [Fact]
    public async Task CompareAndSetAsync_Concurrent_ExactlyOneIncrementPerSuccess()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("n", "0", TimeSpan.FromHours(1));

        await Parallel.ForAsync(0, 200, async (_, ct) =>
        {
            while (true)
            {
                var old = await sut.GetStringAsync("n", ct);
                if (await sut.CompareAndSetStringAsync("n", old, (int.Parse(old!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(1), ct))
                {
                    return;
                }
            }
        });

        Assert.Equal("200", await sut.GetStringAsync("n"));
    }

    [Fact]
    public async Task GetAsync_ReturnsCopy_NotAliasOfCallerBuffer()
    {
        var sut = CreateSut();
        var buffer = Encoding.UTF8.GetBytes("abc");
        await sut.SetAsync("k", buffer, TimeSpan.FromMinutes(1));
        buffer[0] = (byte)'x';

        Assert.Equal("abc", await sut.GetStringAsync("k"));
    }

    [Fact]
    public async Task IncrementAsync_WithinOneBucket_CountsExactly()
    {
        var sut = CreateSut();
        var window = TimeSpan.FromMinutes(1);

        Assert.Equal(1, await sut.IncrementAsync("c", window));
        Assert.Equal(2, await sut.IncrementAsync("c", window));
        Assert.Equal(5, await sut.IncrementAsync("c", window, 3));
    }

    [Fact]
    public async Task IncrementAsync_NextBucket_WeighsPreviousByRemainingShare()
    {
        var sut = CreateSut();
        var window = TimeSpan.FromMinutes(1);
        for (var i = 0; i < 10; i++)
        {
            await sut.IncrementAsync("c", window);
        }

        // Clock starts at a bucket boundary: 15 s into the next bucket, 75% of the previous 10 still count.
        _time.Advance(TimeSpan.FromSeconds(75));

        Assert.Equal(1 + 8, await sut.IncrementAsync("c", window));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2 + 3, await sut.IncrementAsync("c", window));
    }

    [Fact]
    public async Task IncrementAsync_AfterTwoWindows_StartsOver()
    {
        var sut = CreateSut();
        var window = TimeSpan.FromMinutes(1);
        for (var i = 0; i < 10; i++)
        {
            await sut.IncrementAsync("c", window);
        }

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, await sut.IncrementAsync("c", window));
    }

    [Fact]
    public async Task IncrementAsync_CountersAndEntries_AreSeparateKeySpaces()
    {
        var sut = CreateSut();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));

        Assert.Equal(1, await sut.IncrementAsync("k", TimeSpan.FromMinutes(1)));
        Assert.Equal("v", await sut.GetStringAsync("k"));
    }

    [Fact]
    public async Task IncrementAsync_Concurrent_LosesNoIncrement()
    {
        var sut = CreateSut();
        await Parallel.ForAsync(0, 1000, async (_, ct) => await sut.IncrementAsync("c", TimeSpan.FromHours(1), 1, ct));

        Assert.Equal(1001, await sut.IncrementAsync("c", TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task SetAsync_WhenFull_EvictsSoonestToExpire()
    {
        var sut = CreateSut(maxEntries: 3);
        await sut.SetStringAsync("long", "1", TimeSpan.FromHours(3));
        await sut.SetStringAsync("short", "2", TimeSpan.FromHours(1));
        await sut.SetStringAsync("mid", "3", TimeSpan.FromHours(2));

        await sut.SetStringAsync("new", "4", TimeSpan.FromHours(4));

        Assert.Equal(3, sut.Count);
        Assert.Null(await sut.GetAsync("short"));
        Assert.NotNull(await sut.GetAsync("long"));
        Assert.NotNull(await sut.GetAsync("mid"));
        Assert.NotNull(await sut.GetAsync("new"));
        Assert.Equal(1, sut.Evictions);
    }

    [Fact]
    public async Task SetAsync_WhenFullOfExpired_DropsExpiredWithoutCountingEviction()
    {
        var sut = CreateSut(maxEntries: 2);
        await sut.SetStringAsync("a", "1", TimeSpan.FromMinutes(1));
        await sut.SetStringAsync("b", "2", TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        await sut.SetStringAsync("c", "3", TimeSpan.FromMinutes(1));
        await sut.IncrementAsync("d", TimeSpan.FromMinutes(1));

        Assert.Equal(2, sut.Count);
        Assert.Equal(0, sut.Evictions);
    }

    [Fact]
    public async Task IncrementAsync_ManyKeys_StaysWithinBound()
    {
        var sut = CreateSut(maxEntries: 100);
        for (var i = 0; i < 1000; i++)
        {
            await sut.IncrementAsync("c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));
        }

        Assert.Equal(100, sut.Count);
    }

    [Fact]
    public void Constructor_MaxEntriesZero_Throws()
        => Assert.Throws<ArgumentException>(() => new InMemoryHintsStore(new InMemoryHintsStoreOptions { MaxEntries = 0 }, _time));

    [Fact]
    public async Task SetAsync_NonPositiveTtl_Throws()
        => await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await CreateSut().SetStringAsync("k", "v", TimeSpan.Zero));
}
