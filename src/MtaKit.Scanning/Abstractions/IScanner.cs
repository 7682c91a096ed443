namespace MtaKit.Scanning;

/// <summary>
/// Scans one message and reports a <see cref="ScanResult"/>. Implementations are thread-safe and
/// report failures (I/O faults, timeouts, daemon errors) as <see cref="ScanVerdict.Error"/> results;
/// only cancellation by the caller's token ends a scan with an exception.
/// </summary>
public interface IScanner
{
    /// <summary>The endpoint name reported in every result (for example <c>clamd:10.0.0.5:3310</c>).</summary>
    string Name { get; }

    /// <summary>Scans the message of <paramref name="request"/>.</summary>
    /// <param name="request">The message and its SMTP envelope.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The verdict, with the endpoint name and the elapsed time.</returns>
    ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken);
}
