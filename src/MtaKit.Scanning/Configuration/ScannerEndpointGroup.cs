namespace MtaKit.Scanning;

/// <summary>The endpoints of one scanner kind (<c>MtaKit:Scanning:Clamd</c>, <c>:Spamd</c>, <c>:Rspamd</c>); empty means the kind is not used.</summary>
public sealed record ScannerEndpointGroup
{
    /// <summary>The endpoints (<c>...:Endpoints:&lt;i&gt;:Address</c>, <c>:Weight</c>, <c>:Priority</c>, <c>:MaxConcurrency</c>).</summary>
    public IReadOnlyList<ScannerEndpointOptions> Endpoints { get; init; } = [];

    /// <summary>Messages larger than this are not sent to this kind: spamd and rspamd answer <see cref="ScanVerdict.Skipped"/>, clamd <see cref="ScanVerdict.TooLarge"/>. Null keeps each client's default (clamd: send everything, spamd: 500 KiB, rspamd: 20 MiB).</summary>
    /// <value>The default value is null.</value>
    public long? MaxMessageSize { get; init; }
}
