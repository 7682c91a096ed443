namespace MtaKit.Queueing;

/// <summary>How a retry step spaces attempts (Exim's letters).</summary>
public enum RetryStepKind
{
    /// <summary><c>F</c>: a fixed interval.</summary>
    Fixed = 0,

    /// <summary><c>G</c>: geometrically growing intervals (each the previous gap times the multiplier, at least the interval).</summary>
    Geometric = 1,

    /// <summary><c>H</c>: like <c>G</c>, but each gap is chosen at random between the previous gap and the geometric one.</summary>
    RandomGeometric = 2,
}
