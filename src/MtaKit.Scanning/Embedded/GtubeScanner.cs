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
    private readonly Func<MessageParts, TimeSpan, ScanResult?> _inspect;
    private readonly Func<TimeSpan, ScanResult> _clean;

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
        _inspect = Inspect;
        var clean = Report(false); // immutable: one for every clean result
        _clean = e => ScanResult.Clean(Name, e, clean);
    }

    /// <inheritdoc />
    public string Name => "embedded:gtube";

    /// <inheritdoc />
    public ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
        => EmbeddedScan.RunAsync(Name, request, _maxMessageSize, _timeProvider, _inspect, _clean, cancellationToken);

    private ScanResult? Inspect(MessageParts parts, TimeSpan elapsed)
    {
        if (parts.Raw.Span.IndexOf(TestPatterns.Gtube) >= 0)
        {
            return ScanResult.SpamFound(Name, elapsed, Report(true));
        }

        // a decoded text part (quoted-printable, base64); a part that is a view of the raw body was searched above
        foreach (var p in parts.Parts)
        {
            if (p.ArchiveDepth == 0 && parts.MimeParsed && p.ContentType.StartsWith("text/", StringComparison.Ordinal) && p.Content.Span.IndexOf(TestPatterns.Gtube) >= 0)
            {
                return ScanResult.SpamFound(Name, elapsed, Report(true));
            }
        }

        return null;
    }

    private SpamReport Report(bool gtube) => new()
    {
        Score = gtube ? GtubeScore : 0,
        RequiredScore = _requiredScore,
        IsSpam = gtube,
        Symbols = gtube ? [new SpamSymbol(TestPatterns.GtubeName, GtubeScore)] : [],
    };
}
