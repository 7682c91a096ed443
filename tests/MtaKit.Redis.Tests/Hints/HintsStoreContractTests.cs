using System.Text;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>
/// The semantics every <see cref="IHintsStore"/> must have (src/MtaKit.Core/Hints/README.md), run against the
/// embedded store and the Redis store alike so that they are known to be the same.
/// </summary>
public abstract class HintsStoreContractTests
{
    /// <summary>Creates an empty store (skips when its service is not running).</summary>
    protected abstract Task<IHintsStore> CreateStoreAsync();

    /// <summary>Lets <paramref name="time"/> pass for the store (fake clock for the embedded store, real time for Redis).</summary>
    protected abstract Task PassAsync(TimeSpan time);

    [SkippableFact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        var sut = await CreateStoreAsync();

        Assert.Null(await sut.GetAsync("missing"));
    }

    [SkippableFact]
    public async Task SetAsync_ThenGet_ReturnsValue()
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(5));

        Assert.Equal("v", await sut.GetStringAsync("k"));
    }

    [SkippableFact]
    public async Task SetAsync_BinaryValue_RoundTripsByteForByte()
    {
        var sut = await CreateStoreAsync();
        byte[] value = [0, 255, 13, 10, 0xC3, 0x28, 0];
        await sut.SetAsync("bin", value, TimeSpan.FromMinutes(5));

        Assert.Equal(value, await sut.GetAsync("bin"));
    }

    [SkippableFact]
    public async Task SetAsync_Existing_ReplacesValue()
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "a", TimeSpan.FromMinutes(1));
        await sut.SetStringAsync("k", "b", TimeSpan.FromMinutes(10));

        Assert.Equal("b", await sut.GetStringAsync("k"));
    }

    [SkippableFact]
    public async Task DeleteAsync_ExistingAndMissing_ReportsWhetherRemoved()
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));

        Assert.True(await sut.DeleteAsync("k"));
        Assert.False(await sut.DeleteAsync("k"));
        Assert.Null(await sut.GetAsync("k"));
    }

    [SkippableFact]
    public async Task SetIfAbsentAsync_Twice_SetsOnlyTheFirst()
    {
        var sut = await CreateStoreAsync();

        Assert.True(await sut.SetIfAbsentAsync("k", "first"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.False(await sut.SetIfAbsentAsync("k", "second"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.Equal("first", await sut.GetStringAsync("k"));
    }

    [SkippableFact]
    public async Task CompareAndSetAsync_Missing_ReturnsFalseAndSetsNothing()
    {
        var sut = await CreateStoreAsync();

        Assert.False(await sut.CompareAndSetAsync("k", "a"u8.ToArray(), "b"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.Null(await sut.GetAsync("k"));
    }

    [SkippableTheory]
    [InlineData("ab")]
    [InlineData("abc\0")]
    [InlineData("ABC")]
    [InlineData("")]
    public async Task CompareAndSetAsync_DifferentExpected_ReturnsFalseAndKeepsValue(string expected)
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "abc", TimeSpan.FromMinutes(1));

        Assert.False(await sut.CompareAndSetAsync("k", Encoding.UTF8.GetBytes(expected), "new"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.Equal("abc", await sut.GetStringAsync("k"));
    }

    [SkippableFact]
    public async Task CompareAndSetAsync_EqualExpected_SetsNewValue()
    {
        var sut = await CreateStoreAsync();
        byte[] old = [1, 0, 2];
        await sut.SetAsync("k", old, TimeSpan.FromMinutes(1));

        Assert.True(await sut.CompareAndSetAsync("k", old, "new"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.Equal("new", await sut.GetStringAsync("k"));
        Assert.False(await sut.CompareAndSetAsync("k", old, "newer"u8.ToArray(), TimeSpan.FromMinutes(1)));
    }

    [SkippableFact]
    public async Task IncrementAsync_Repeated_CountsEveryEvent()
    {
        var sut = await CreateStoreAsync();
        var window = TimeSpan.FromHours(1);

        Assert.Equal(1, await sut.IncrementAsync("c", window));
        Assert.Equal(2, await sut.IncrementAsync("c", window));
        Assert.Equal(7, await sut.IncrementAsync("c", window, 5));
        Assert.Equal(1, await sut.IncrementAsync("other", window));
    }

    [SkippableFact]
    public async Task IncrementAsync_SameKeyAsEntry_KeySpacesAreSeparate()
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(1));

        Assert.Equal(1, await sut.IncrementAsync("k", TimeSpan.FromHours(1)));
        Assert.Equal("v", await sut.GetStringAsync("k"));
        Assert.True(await sut.DeleteAsync("k"));
        Assert.Equal(2, await sut.IncrementAsync("k", TimeSpan.FromHours(1)));
    }

    [SkippableFact]
    public async Task IncrementAsync_AfterTwoWindows_HasForgotten()
    {
        var sut = await CreateStoreAsync();
        var window = TimeSpan.FromMilliseconds(200);
        await sut.IncrementAsync("c", window, 10);

        await PassAsync(TimeSpan.FromMilliseconds(450));

        Assert.Equal(1, await sut.IncrementAsync("c", window));
    }

    [SkippableFact]
    public async Task SetAsync_AfterTimeToLive_IsGoneAndCanBeSetIfAbsentAgain()
    {
        var sut = await CreateStoreAsync();
        await sut.SetStringAsync("k", "v", TimeSpan.FromMilliseconds(200));
        Assert.Equal("v", await sut.GetStringAsync("k"));

        await PassAsync(TimeSpan.FromMilliseconds(300));

        Assert.Null(await sut.GetAsync("k"));
        Assert.False(await sut.DeleteAsync("k"));
        Assert.False(await sut.CompareAndSetAsync("k", "v"u8.ToArray(), "w"u8.ToArray(), TimeSpan.FromMinutes(1)));
        Assert.True(await sut.SetIfAbsentAsync("k", "w"u8.ToArray(), TimeSpan.FromMinutes(1)));
    }

    [SkippableFact]
    public async Task Operations_InvalidArguments_Throw()
    {
        var sut = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.IncrementAsync("c", TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.IncrementAsync("c", TimeSpan.FromMinutes(1), 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.SetAsync("k", "v"u8.ToArray(), TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.SetIfAbsentAsync("k", "v"u8.ToArray(), TimeSpan.FromSeconds(-1)));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await sut.GetAsync(null!));
    }
}
