namespace MtaKit.Redis;

/// <summary>Options of <see cref="RedisHintsStore"/> (configuration keys under <c>MtaKit:Hints:Redis</c>).</summary>
public sealed record RedisHintsStoreOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (<c>MtaKit:Hints:Redis:Configuration</c>), for example
    /// <c>127.0.0.1:6379,password=…</c>. Used by the hosting extension to connect; the store itself takes a multiplexer.
    /// </summary>
    public string Configuration { get; init; } = "127.0.0.1:6379";

    /// <summary>Prefix of every key this deployment writes (<c>MtaKit:Hints:Redis:KeyPrefix</c>, default <c>mtakit:</c>).</summary>
    public string KeyPrefix { get; init; } = "mtakit:";

    /// <summary>What happens when Redis is unreachable (<c>MtaKit:Hints:Redis:OnFailure</c>, default <see cref="RedisFailurePolicy.FailOpen"/>).</summary>
    public RedisFailurePolicy OnFailure { get; init; } = RedisFailurePolicy.FailOpen;

    /// <summary>The least time between two "Redis unreachable" warnings (<c>MtaKit:Hints:Redis:FailureLogInterval</c>, default one minute).</summary>
    public TimeSpan FailureLogInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options.</summary>
    /// <param name="keyPrefix">Prefix of the configuration keys in the messages, for example <c>MtaKit:Hints:Redis:</c>.</param>
    /// <returns>One message per problem; empty when valid.</returns>
    public IReadOnlyList<string> Validate(string keyPrefix = "")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            errors.Add($"{keyPrefix}Configuration: a StackExchange.Redis configuration string (host:port) is required.");
        }

        if (KeyPrefix is null || KeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add($"{keyPrefix}KeyPrefix: must not contain white space.");
        }

        if (!Enum.IsDefined(OnFailure))
        {
            errors.Add($"{keyPrefix}OnFailure: must be FailOpen or Throw.");
        }

        if (FailureLogInterval < TimeSpan.Zero)
        {
            errors.Add($"{keyPrefix}FailureLogInterval: must not be negative.");
        }

        return errors;
    }
}
