namespace MtaKit.Scanning;

/// <summary>The shared frame of the embedded scanners: the size skip rule, the shared parse (held for the scan), elapsed time and faults.</summary>
internal static class EmbeddedScan
{
    /// <summary>Runs <paramref name="inspect"/> over the request's parts unless the message is above <paramref name="maxMessageSize"/>.</summary>
    public static async ValueTask<ScanResult> RunAsync(
        string scanner, ScanRequest request, long maxMessageSize, TimeProvider timeProvider,
        Func<MessageParts, TimeSpan, ScanResult?> inspect, Func<TimeSpan, ScanResult> clean, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Message.Length > maxMessageSize)
        {
            return ScanResult.Skipped(scanner, TimeSpan.Zero, $"message of {request.Message.Length} bytes is above the embedded scan limit of {maxMessageSize} bytes");
        }

        var started = timeProvider.GetTimestamp();
        var lease = MessageParts.Acquire(request);
        try
        {
            var parts = await lease.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = timeProvider.GetElapsedTime(started);
            return inspect(parts, elapsed) ?? clean(elapsed);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidDataException)
        {
            return ScanResult.Error(scanner, timeProvider.GetElapsedTime(started), "cannot read the message: " + e.Message, transient: false);
        }
        finally
        {
            MessageParts.Release(lease);
        }
    }
}
