namespace MtaKit.Samples.Network;

/// <summary>The result of a demo run.</summary>
public sealed record NetworkDemoReport
{
    /// <summary>The run directory holding the Maildirs and spools.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Every message sent, in order.</summary>
    public required IReadOnlyList<DemoMessageOutcome> Messages { get; init; }

    /// <summary>How long the run took (until the report).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Whether every message met its expected fate.</summary>
    public bool AllAsExpected => Messages.Count > 0 && Messages.All(m => m.AsExpected);
}
