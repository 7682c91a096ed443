using System.Net.Sockets;

namespace MtaKit.Scanning;

/// <summary>Maps the I/O faults of a scanner conversation to transient <see cref="ScanVerdict.Error"/> results.</summary>
internal static class ScanFault
{
    /// <summary>True for exceptions that mean "this endpoint did not answer properly" (not the caller's cancellation, not a bug).</summary>
    public static bool IsFault(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        TimeoutException or IOException or SocketException or InvalidDataException => true,
        _ => false,
    };

    /// <summary>The error result for <paramref name="exception"/>.</summary>
    public static ScanResult ToResult(Exception exception, string scanner, TimeSpan elapsed, TimeSpan idleTimeout) => exception switch
    {
        OperationCanceledException => ScanResult.Error(scanner, elapsed, $"timed out: no data for {idleTimeout.TotalMilliseconds:0} ms"),
        InvalidDataException => ScanResult.Error(scanner, elapsed, "protocol error: " + exception.Message),
        _ => ScanResult.Error(scanner, elapsed, exception.Message),
    };
}
