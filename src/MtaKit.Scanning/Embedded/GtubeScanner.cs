namespace MtaKit.Scanning;

/// <summary>
/// Scores the GTUBE test pattern (<c>XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X</c>)
/// at 1000, like SpamAssassin, and everything else at 0. A test aid for checking the spam path of a
/// relay end to end without a spam daemon; it is <b>not</b> a spam filter. Thread-safe.
/// </summary>
public sealed class GtubeScanner : IScanner
{
    /// <summary>The score given to a message containing GTUBE.</summary>
    public const double GtubeScore = 1000;

    private readonly double _requiredScore;
    private readonly long _maxMessageSize;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a scanner.</summary>
    /// <param name="requiredScore">The threshold reported as <see cref="SpamReport.RequiredScore"/>.</param>
    /// <param name="maxMessageSize">Larger messages are skipped.</param>
    /// <param name="timeProvider">The clock for elapsed times.</param>
    public GtubeScanner(double requiredScore = 5.0, long maxMessageSize = 25 * 1024 * 1024, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        _requiredScore = requiredScore;
        _maxMessageSize = maxMessageSize;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "embedded:gtube";

    /// <inheritdoc />
    public ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
        => EmbeddedScan.RunAsync(Name, request, _maxMessageSize, _timeProvider, Inspect, e => ScanResult.Clean(Name, e, Report(false)), cancellationToken);

    private ScanResult? Inspect(MessageParts parts, TimeSpan elapsed)
    {
        var found = parts.Raw.AsSpan().IndexOf(TestPatterns.Gtube) >= 0
            || parts.Parts.Any(p => p.ArchiveDepth == 0 && p.ContentType.StartsWith("text/", StringComparison.Ordinal) && p.Content.AsSpan().IndexOf(TestPatterns.Gtube) >= 0);
        return found ? ScanResult.SpamFound(Name, elapsed, Report(true)) : null;
    }

    private SpamReport Report(bool gtube) => new()
    {
        Score = gtube ? GtubeScore : 0,
        RequiredScore = _requiredScore,
        IsSpam = gtube,
        Symbols = gtube ? [new SpamSymbol(TestPatterns.GtubeName, GtubeScore)] : [],
    };
}
