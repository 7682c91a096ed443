using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Redis.Tests.Hints;

/// <summary>The contract against the embedded store, on a fake clock: the reference the Redis store is compared with.</summary>
public sealed class InMemoryHintsStoreContractTests : HintsStoreContractTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));

    protected override Task<IHintsStore> CreateStoreAsync() => Task.FromResult<IHintsStore>(new InMemoryHintsStore(null, _time));

    protected override Task PassAsync(TimeSpan time)
    {
        _time.Advance(time);
        return Task.CompletedTask;
    }
}
