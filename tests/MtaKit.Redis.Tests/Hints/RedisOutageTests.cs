using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>Redis stopped under a running store and started again.</summary>
public sealed class RedisOutageTests
{
    [SkippableFact]
    public async Task Operations_RedisStoppedMidTest_FailOpenThenRecover()
    {
        await using var redis = await OwnRedisServer.StartAsync();
        await using var connection = await RedisConnections.ConnectAsync(redis.EndPoint);
        var logger = new CollectingLogger<RedisHintsStore>();
        var sut = new RedisHintsStore(connection, new RedisHintsStoreOptions(), logger, new FakeTimeProvider());
        await sut.SetStringAsync("k", "v", TimeSpan.FromMinutes(5));
        Assert.Equal(1, await sut.IncrementAsync("c", TimeSpan.FromHours(1)));

        await redis.StopAsync();

        Assert.Null(await sut.GetAsync("k"));
        Assert.Equal(0, await sut.IncrementAsync("c", TimeSpan.FromHours(1)));
        await sut.SetStringAsync("k", "w", TimeSpan.FromMinutes(5));
        Assert.True(await sut.SetIfAbsentAsync("x", "v"u8.ToArray(), TimeSpan.FromMinutes(5)));
        Assert.False(await sut.CompareAndSetAsync("k", "v"u8.ToArray(), "w"u8.ToArray(), TimeSpan.FromMinutes(5)));
        Assert.False(await sut.DeleteAsync("k"));
        Assert.True(sut.Failures >= 6);
        Assert.Equal(1, logger.Count(5000));

        await redis.StartAgainAsync();

        // The multiplexer reconnects in the background (retry every 100 ms here): wait for it, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await RoundTripsAsync(sut))
        {
            Assert.True(DateTime.UtcNow < deadline, "the store did not recover within 20 s of Redis starting again");
            await Task.Delay(100);
        }

        Assert.Equal(1, await sut.IncrementAsync("c2", TimeSpan.FromHours(1)));
        Assert.Equal(1, logger.Count(5001));
    }

    private static async Task<bool> RoundTripsAsync(RedisHintsStore store)
    {
        await store.SetStringAsync("probe", "p", TimeSpan.FromMinutes(1));
        return await store.GetStringAsync("probe") == "p";
    }
}
