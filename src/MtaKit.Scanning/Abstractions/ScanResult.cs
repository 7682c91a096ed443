namespace MtaKit.Scanning;

/// <summary>
/// The outcome of one scan, as a value: the verdict, what matched, which endpoint answered and how
/// long it took. Create results with the static factory methods. Immutable.
/// </summary>
public sealed class ScanResult
{
    private ScanResult(ScanVerdict verdict, string scanner, TimeSpan elapsed)
    {
        Verdict = verdict;
        Scanner = scanner;
        Elapsed = elapsed;
    }

    /// <summary>The verdict.</summary>
    public ScanVerdict Verdict { get; }

    /// <summary>The name of the endpoint that produced the result (<see cref="IScanner.Name"/>; a pool's name when no endpoint answered).</summary>
    public string Scanner { get; }

    /// <summary>The time the scan took, from connect to the parsed reply.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The signature that matched, for <see cref="ScanVerdict.Infected"/>.</summary>
    public string? SignatureName { get; private init; }

    /// <summary>The spam scanner's report: set for every result of a spam scanner that answered (spam or not).</summary>
    public SpamReport? Spam { get; private init; }

    /// <summary>Why the scan was blocked, skipped, refused or failed.</summary>
    public string? Reason { get; private init; }

    /// <summary>For <see cref="ScanVerdict.Error"/> and <see cref="ScanVerdict.Unavailable"/>: true when trying again (or elsewhere) may succeed.</summary>
    public bool IsTransient { get; private init; }

    /// <summary>True for <see cref="ScanVerdict.Error"/> and <see cref="ScanVerdict.Unavailable"/>: the message was not scanned.</summary>
    public bool IsFailure => Verdict is ScanVerdict.Error or ScanVerdict.Unavailable;

    /// <summary>A clean result.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The scan time.</param>
    /// <param name="spam">The spam report, for spam scanners.</param>
    public static ScanResult Clean(string scanner, TimeSpan elapsed, SpamReport? spam = null)
        => new(ScanVerdict.Clean, scanner, elapsed) { Spam = spam };

    /// <summary>An infected result.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The scan time.</param>
    /// <param name="signatureName">The name of the signature that matched.</param>
    public static ScanResult Infected(string scanner, TimeSpan elapsed, string signatureName)
    {
        ArgumentException.ThrowIfNullOrEmpty(signatureName);
        return new(ScanVerdict.Infected, scanner, elapsed) { SignatureName = signatureName };
    }

    /// <summary>A spam result.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The scan time.</param>
    /// <param name="spam">The spam report.</param>
    public static ScanResult SpamFound(string scanner, TimeSpan elapsed, SpamReport spam)
    {
        ArgumentNullException.ThrowIfNull(spam);
        return new(ScanVerdict.Spam, scanner, elapsed) { Spam = spam };
    }

    /// <summary>A content policy match.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The scan time.</param>
    /// <param name="reason">What matched, for logs and the SMTP reply text.</param>
    public static ScanResult Blocked(string scanner, TimeSpan elapsed, string reason)
        => new(ScanVerdict.Blocked, scanner, elapsed) { Reason = reason };

    /// <summary>The scanner refused the message as larger than its limit.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The scan time.</param>
    /// <param name="reason">The scanner's words.</param>
    public static ScanResult TooLarge(string scanner, TimeSpan elapsed, string reason)
        => new(ScanVerdict.TooLarge, scanner, elapsed) { Reason = reason };

    /// <summary>The message was not scanned by rule.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The time spent.</param>
    /// <param name="reason">The rule that skipped it.</param>
    public static ScanResult Skipped(string scanner, TimeSpan elapsed, string reason)
        => new(ScanVerdict.Skipped, scanner, elapsed) { Reason = reason };

    /// <summary>The scan failed.</summary>
    /// <param name="scanner">The endpoint name.</param>
    /// <param name="elapsed">The time spent.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="transient">True when trying again or elsewhere may succeed.</param>
    public static ScanResult Error(string scanner, TimeSpan elapsed, string reason, bool transient = true)
        => new(ScanVerdict.Error, scanner, elapsed) { Reason = reason, IsTransient = transient };

    /// <summary>No endpoint of a pool answered.</summary>
    /// <param name="scanner">The pool name.</param>
    /// <param name="elapsed">The time spent trying.</param>
    /// <param name="reason">What the last attempt said.</param>
    public static ScanResult Unavailable(string scanner, TimeSpan elapsed, string reason)
        => new(ScanVerdict.Unavailable, scanner, elapsed) { Reason = reason, IsTransient = true };

    /// <inheritdoc />
    public override string ToString() => Verdict switch
    {
        ScanVerdict.Infected => $"{Scanner}: infected {SignatureName} ({Elapsed.TotalMilliseconds:0} ms)",
        ScanVerdict.Spam or ScanVerdict.Clean when Spam is not null => $"{Scanner}: {Verdict} {Spam} ({Elapsed.TotalMilliseconds:0} ms)",
        ScanVerdict.Clean => $"{Scanner}: clean ({Elapsed.TotalMilliseconds:0} ms)",
        _ => $"{Scanner}: {Verdict} {Reason} ({Elapsed.TotalMilliseconds:0} ms)",
    };
}
