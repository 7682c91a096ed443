namespace MtaKit.Scanning;

/// <summary>The failover and health settings of a <see cref="ScannerPool"/>. Immutable; checked when the pool is created.</summary>
public sealed record ScannerPoolOptions
{
    /// <summary>The pool's name, reported in results when no endpoint answered (<c>clamd</c>, <c>spamd</c>, <c>rspamd</c>).</summary>
    /// <value>The default value is <c>scanners</c>.</value>
    public string Name { get; init; } = "scanners";

    /// <summary>How long one attempt on one endpoint may take before the pool gives up on it and fails over.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long all attempts of one scan together may take, failovers and waits for a free slot included.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long an endpoint rests after its first failure; each further failure in a row doubles it.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest rest.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ScanTimeout, TimeSpan.Zero, nameof(ScanTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TotalBudget, TimeSpan.Zero, nameof(TotalBudget));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
    }
}
