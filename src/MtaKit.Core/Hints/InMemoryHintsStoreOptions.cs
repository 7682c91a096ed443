namespace MtaKit;

/// <summary>Options of the embedded <see cref="InMemoryHintsStore"/>, bound from <c>MtaKit:Hints</c>.</summary>
public sealed record InMemoryHintsStoreOptions
{
    /// <summary>How many counters and entries the store holds at most; past it the soonest to expire is evicted.</summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>Checks every value; returns one message per problem, naming its configuration key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
        => MaxEntries < 1 ? ["MtaKit:Hints:MaxEntries: must be at least 1."] : [];
}
