namespace MtaKit.Redis;

/// <summary>What <see cref="RedisHintsStore"/> does when Redis cannot be reached (connection lost, timeout).</summary>
public enum RedisFailurePolicy
{
    /// <summary>
    /// Operations behave as if the store held no data: counts are 0 (no limit exceeded), reads return nothing,
    /// writes and deletes are dropped, <c>SetIfAbsent</c> reports success and <c>CompareAndSet</c> failure.
    /// A warning is logged, at most once per <see cref="RedisHintsStoreOptions.FailureLogInterval"/>.
    /// </summary>
    FailOpen,

    /// <summary>The StackExchange.Redis connection or timeout exception propagates to the caller.</summary>
    Throw,
}
