namespace MtaKit.Scanning;

/// <summary>
/// The scanners a relay runs on every message (pools of clamd/spamd/rspamd endpoints and the
/// embedded scanners), run concurrently, with the decision rules. Build it with
/// <see cref="ScannerSetFactory"/>; the data stage calls <see cref="ScanAsync"/> and acts on the
/// <see cref="ScanSummary"/>. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var summary = await scanners.ScanAsync(new ScanRequest(message) { ClientAddress = ip, Helo = helo,
///     ReversePath = from, Recipients = rcpts, QueueId = id }, ct);
/// if (summary.Reply is { } reply) return reply;                 // 554/550 5.7.1 or 451 4.7.1
/// if (summary.Action == ScanAction.Tag) AddHeader("X-Spam-Flag", "YES");
/// if (summary.Unscanned) AddHeader(ScanSummary.UnscannedHeader, "unscanned");
/// </code>
/// </example>
public sealed class ScannerSet : IAsyncDisposable
{
    private readonly IReadOnlyList<IScanner> _scanners;
    private readonly SpamOptions _spam;
    private readonly ScanFailPolicy _failPolicy;
    private readonly bool _embedded;

    /// <summary>Creates a set from scanners built elsewhere.</summary>
    /// <param name="scanners">The scanners (pools or single clients), run concurrently.</param>
    /// <param name="spam">The spam thresholds.</param>
    /// <param name="failPolicy">What a failed scanner kind means.</param>
    public ScannerSet(IEnumerable<IScanner> scanners, SpamOptions? spam = null, ScanFailPolicy failPolicy = ScanFailPolicy.Defer)
    {
        ArgumentNullException.ThrowIfNull(scanners);
        _scanners = [.. scanners];
        _spam = spam ?? new SpamOptions();
        _failPolicy = failPolicy;
        _embedded = _scanners.Any(s => s is SignatureScanner or GtubeScanner or AttachmentPolicyScanner);
    }

    /// <summary>The scanners, in result order.</summary>
    public IReadOnlyList<IScanner> Scanners => _scanners;

    /// <summary>The pools among <see cref="Scanners"/>, for health checks (<see cref="ScannerPool.Health"/>).</summary>
    public IEnumerable<ScannerPool> Pools => _scanners.OfType<ScannerPool>();

    /// <summary>Runs every scanner on the message concurrently and decides.</summary>
    /// <param name="request">The message and its envelope.</param>
    /// <param name="cancellationToken">Cancels every scan.</param>
    public async ValueTask<ScanSummary> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ScanResult[] results;

        // held across every scanner, so the embedded ones share one read of the message; the copy goes
        // back to its pool when the last user (this set, or anyone else scanning the same request) is done
        var parts = _embedded ? MessageParts.Acquire(request) : null;
        try
        {
            results = await RunAllAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (parts is not null)
            {
                MessageParts.Release(parts);
            }
        }

        for (var i = 0; i < results.Length; i++)
        {
            // pools count their own attempts
            if (_scanners[i] is not ScannerPool)
            {
                ScanningMetrics.Record(results[i]);
            }
        }

        return new ScanSummary(results, _spam, _failPolicy);
    }

    /// <summary>Starts every scanner, then collects the results; scanners that finished at once (the embedded ones) cost no task.</summary>
    private async ValueTask<ScanResult[]> RunAllAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        var pending = new ValueTask<ScanResult>[_scanners.Count];
        var allDone = true;
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = _scanners[i].ScanAsync(request, cancellationToken);
            allDone &= pending[i].IsCompletedSuccessfully;
        }

        var results = new ScanResult[pending.Length];
        if (allDone)
        {
            for (var i = 0; i < pending.Length; i++)
            {
                results[i] = await pending[i].ConfigureAwait(false); // completed: no wait
            }

            return results;
        }

        var tasks = new Task<ScanResult>[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            tasks[i] = pending[i].AsTask();
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var scanner in _scanners)
        {
            (scanner as IDisposable)?.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
