using StackExchange.Redis;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>The contract against the Redis store on the shared test Redis; each test has its own key prefix.</summary>
public sealed class RedisHintsStoreContractTests : HintsStoreContractTests, IAsyncLifetime
{
    private ConnectionMultiplexer? _connection;

    protected override async Task<IHintsStore> CreateStoreAsync()
    {
        _connection ??= await RedisConnections.SharedAsync();
        return new RedisHintsStore(_connection, new RedisHintsStoreOptions { KeyPrefix = RedisConnections.UniquePrefix(), OnFailure = RedisFailurePolicy.Throw });
    }

    // Redis's clock cannot be injected: real (short) time passes.
    protected override Task PassAsync(TimeSpan time) => Task.Delay(time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
