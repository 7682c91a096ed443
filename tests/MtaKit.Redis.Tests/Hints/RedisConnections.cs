using System.Net;
using MtaKit.Testing;
using StackExchange.Redis;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>Connections to real Redis servers, configured as the hosting extension does (no abort on connect failure, fail fast).</summary>
internal static class RedisConnections
{
    /// <summary>Connects to the shared test Redis (REDIS_HOST/REDIS_PORT), or skips/fails when it is not running.</summary>
    public static Task<ConnectionMultiplexer> SharedAsync() => ConnectAsync(ServiceEnvironment.Require("REDIS"));

    public static async Task<ConnectionMultiplexer> ConnectAsync(EndPoint endPoint)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { endPoint },
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = 2000,
            ConnectRetry = 1,
            ReconnectRetryPolicy = new LinearRetry(100),
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => "test:" + Guid.NewGuid().ToString("N") + ":";
}
