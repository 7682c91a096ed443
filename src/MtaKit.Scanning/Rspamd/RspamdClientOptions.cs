namespace MtaKit.Scanning;

/// <summary>Settings of one <see cref="RspamdClient"/>. Immutable; checked when the client is created.</summary>
public sealed record RspamdClientOptions
{
    /// <summary>The default port of rspamd's normal worker, 11333.</summary>
    public const int DefaultPort = 11333;

    /// <summary>The normal worker's base URL, <c>http://host:port</c> (plain HTTP; <c>unix:/path</c> for a Unix socket).</summary>
    public required Uri Url { get; init; }

    /// <summary>The name reported in results and logs.</summary>
    /// <value>The default is <c>rspamd:</c> followed by the address.</value>
    public string? Name { get; init; }

    /// <summary>How long to wait for the connection.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long any single read or write may wait (rspamd answers after scanning, so this bounds the scan time too).</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages larger than this are not sent: the result is <see cref="ScanVerdict.Skipped"/>.</summary>
    /// <value>The default value is 20 MiB.</value>
    public long MaxMessageSize { get; init; } = 20 * 1024 * 1024;

    /// <summary>The actions counted as spam (<see cref="ScanVerdict.Spam"/>); other actions give <see cref="ScanVerdict.Clean"/> with the report.</summary>
    /// <value>The default is <c>reject</c>, <c>rewrite subject</c> and <c>add header</c>.</value>
    public IReadOnlySet<string> SpamActions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "reject", "rewrite subject", "add header" };

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Url);
        ArgumentNullException.ThrowIfNull(SpamActions);
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != "unix"))
        {
            throw new ArgumentException($"The rspamd URL must be http://host:port or unix:/path, not '{Url}'.", nameof(Url));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero, nameof(ReadTimeout));
    }
}
