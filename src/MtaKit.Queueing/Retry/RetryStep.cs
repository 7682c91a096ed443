namespace MtaKit.Queueing;

/// <summary>
/// One step of a retry schedule, for example <c>G,16h,1h,1.5</c>: applies while the time since the
/// first failure is below <see cref="Cutoff"/>.
/// </summary>
public sealed record RetryStep
{
    /// <summary>How attempts are spaced.</summary>
    public required RetryStepKind Kind { get; init; }

    /// <summary>The step applies while the time since the first failure is below this.</summary>
    public required TimeSpan Cutoff { get; init; }

    /// <summary>The fixed interval (<c>F</c>) or the smallest interval (<c>G</c>, <c>H</c>).</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>The growth factor of <c>G</c> and <c>H</c> steps; 1 for <c>F</c>.</summary>
    /// <value>The default value is 1.</value>
    public double Multiplier { get; init; } = 1;
}
