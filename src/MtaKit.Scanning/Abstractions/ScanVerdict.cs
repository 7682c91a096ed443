namespace MtaKit.Scanning;

/// <summary>What a scanner concluded about a message.</summary>
public enum ScanVerdict
{
    /// <summary>Nothing found (for spam scanners: scored below the spam threshold).</summary>
    Clean,

    /// <summary>A virus or malware signature matched; see <see cref="ScanResult.SignatureName"/>.</summary>
    Infected,

    /// <summary>The spam scanner judged the message spam; see <see cref="ScanResult.Spam"/>.</summary>
    Spam,

    /// <summary>A content policy (blocked attachment type, encrypted archive) matched; see <see cref="ScanResult.Reason"/>.</summary>
    Blocked,

    /// <summary>The scanner refused the message because it is larger than its stream limit.</summary>
    TooLarge,

    /// <summary>The message was not sent to the scanner by rule (for example above the configured maximum size).</summary>
    Skipped,

    /// <summary>The scan failed; see <see cref="ScanResult.Reason"/> and <see cref="ScanResult.IsTransient"/>.</summary>
    Error,

    /// <summary>No endpoint of a pool answered within the budget; the configured <see cref="ScanFailPolicy"/> applies.</summary>
    Unavailable,
}
