using System.Net;

namespace MtaKit.Scanning;

/// <summary>Settings of one <see cref="SpamdClient"/>. Immutable; checked when the client is created.</summary>
public sealed record SpamdClientOptions
{
    /// <summary>The default spamd TCP port, 783.</summary>
    public const int DefaultPort = 783;

    /// <summary>spamc's default maximum message size, 500 KiB.</summary>
    public const long DefaultMaxMessageSize = 500 * 1024;

    /// <summary>Where spamd listens: an <see cref="IPEndPoint"/>, a <see cref="DnsEndPoint"/> or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>.</summary>
    public required EndPoint EndPoint { get; init; }

    /// <summary>The name reported in results and logs.</summary>
    /// <value>The default is <c>spamd:</c> followed by the address.</value>
    public string? Name { get; init; }

    /// <summary>The command to send.</summary>
    /// <value>The default value is <see cref="SpamdCommand.Symbols"/>.</value>
    public SpamdCommand Command { get; init; } = SpamdCommand.Symbols;

    /// <summary>The <c>User:</c> header (whose per-user preferences spamd applies); none is sent when null.</summary>
    /// <value>The default value is null.</value>
    public string? User { get; init; }

    /// <summary>Messages larger than this are not sent (spamc's <c>-s</c>): the result is <see cref="ScanVerdict.Skipped"/>.</summary>
    /// <value>The default value is 500 KiB, spamc's default.</value>
    public long MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>How long to wait for the connection.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long any single read or write may wait (spamd answers after scoring, so this bounds the scan time too).</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero, nameof(ReadTimeout));
        if (User is not null && (User.Length == 0 || User.AsSpan().IndexOfAny('\r', '\n') >= 0))
        {
            throw new ArgumentException("The spamd User must be a non-empty single line.", nameof(User));
        }
    }
}
