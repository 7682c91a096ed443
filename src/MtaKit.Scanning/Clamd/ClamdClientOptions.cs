using System.Net;

namespace MtaKit.Scanning;

/// <summary>Settings of one <see cref="ClamdClient"/>. Immutable; checked when the client is created.</summary>
public sealed record ClamdClientOptions
{
    /// <summary>The default clamd TCP port, 3310.</summary>
    public const int DefaultPort = 3310;

    /// <summary>Where clamd listens: an <see cref="IPEndPoint"/>, a <see cref="DnsEndPoint"/> or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>.</summary>
    public required EndPoint EndPoint { get; init; }

    /// <summary>The name reported in results and logs.</summary>
    /// <value>The default is <c>clamd:</c> followed by the address.</value>
    public string? Name { get; init; }

    /// <summary>How long to wait for the connection.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long any single read or write may wait (clamd scans after the last chunk, so this bounds the scan time too).</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The INSTREAM chunk size in bytes; must not exceed clamd's <c>StreamMaxLength</c>.</summary>
    /// <value>The default value is 64 KiB.</value>
    public int ChunkSize { get; init; } = 64 * 1024;

    /// <summary>
    /// clamd's <c>StreamMaxLength</c> when known: a larger message is not sent and gets
    /// <see cref="ScanVerdict.TooLarge"/> at once. Null sends everything and lets clamd decide.
    /// </summary>
    /// <value>The default value is null.</value>
    public long? MaxStreamLength { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero, nameof(ReadTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 1024, nameof(ChunkSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChunkSize, 16 * 1024 * 1024, nameof(ChunkSize));
        if (MaxStreamLength is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxStreamLength));
        }
    }
}
